package dev.sluice.sqlite;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.core.json.DecodedLoggingEvent;
import dev.sluice.core.json.EventJsonParts;
import dev.sluice.core.json.UnicodeText;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Binds an event to the {@code logs} or {@code metrics} insert. Long strings are cut as the canonical JSON cuts them
 * ({@code maxStringLength}), structured fields are the canonical JSON's own parts, and lone surrogates become U+FFFD.
 */
final class EventRows {

    private final EventJsonParts parts;
    private final String service;
    private final String host;
    private final long pid;

    EventRows(EventJsonParts parts) {
        this.parts = parts;
        this.service = UnicodeText.valid(parts.settings().service());
        this.host = UnicodeText.valid(parts.settings().host());
        this.pid = parts.settings().pid();
    }

    /** Whether the event carries {@link SluiceMetrics#MARKER} (by name, so a decoded event counts too). */
    static boolean isMetric(ILoggingEvent event) {
        List<Marker> markers = event.getMarkerList();
        if (markers == null) {
            return false;
        }
        for (Marker marker : markers) {
            if (marker != null && SluiceMetrics.MARKER.getName().equals(marker.getName())) {
                return true;
            }
        }
        return false;
    }

    /** Binds the event to {@link SqliteSchema#INSERT_LOG}. */
    void bindLog(PreparedStatement insert, ILoggingEvent event) throws SQLException {
        insert.setLong(1, event.getTimeStamp());
        insert.setString(2, event.getLevel().toString());
        insert.setInt(3, event.getLevel().toInt());
        insert.setString(4, text(event.getLoggerName()));
        insert.setString(5, text(event.getThreadName()));
        insert.setString(6, text(event.getFormattedMessage()));
        insert.setString(7, parts.mdc(event.getMDCPropertyMap()));
        insert.setString(8, parts.keyValues(event.getKeyValuePairs()));
        insert.setString(9, parts.markers(event.getMarkerList()));
        insert.setString(10, parts.throwable(event.getThrowableProxy()));
        insert.setString(11, parts.caller(event));
        bindIdentity(insert, 12, event);
        long seq = event.getSequenceNumber();
        if (seq != 0) {
            insert.setLong(15, seq);
        } else {
            insert.setNull(15, Types.INTEGER); // the context has no sequence number generator
        }
    }

    /**
     * Binds a metric event to {@link SqliteSchema#INSERT_METRIC}.
     *
     * @return false, binding nothing, when the event lacks a non-blank {@code name} or a finite numeric {@code value}
     */
    boolean bindMetric(PreparedStatement insert, ILoggingEvent event) throws SQLException {
        String name = null;
        Double value = null;
        String unit = null;
        boolean nameSeen = false;
        boolean valueSeen = false;
        boolean unitSeen = false;
        List<KeyValuePair> tags = new ArrayList<>();
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            // The first name, value and unit are the sample's (SluiceMetrics adds them before the tags); a later
            // pair with the same key is a tag, so a tag called "name" or "value" cannot replace the sample's own.
            for (KeyValuePair pair : pairs) {
                if (pair == null) {
                    continue;
                }
                String key = String.valueOf(pair.key);
                if (key.equals(SluiceMetrics.NAME) && !nameSeen) {
                    nameSeen = true;
                    name = pair.value == null ? null : pair.value.toString();
                } else if (key.equals(SluiceMetrics.VALUE) && !valueSeen) {
                    valueSeen = true;
                    value = number(pair.value);
                } else if (key.equals(SluiceMetrics.UNIT) && !unitSeen) {
                    unitSeen = true;
                    unit = pair.value == null ? null : pair.value.toString();
                } else {
                    tags.add(pair);
                }
            }
        }
        if (name == null || name.isBlank() || value == null) {
            return false;
        }
        insert.setLong(1, event.getTimeStamp());
        insert.setString(2, text(name));
        insert.setDouble(3, value);
        insert.setString(4, text(unit));
        insert.setString(5, parts.keyValues(tags));
        insert.setString(6, text(event.getLoggerName()));
        insert.setString(7, text(event.getThreadName()));
        bindIdentity(insert, 8, event);
        return true;
    }

    /** The producer's identity: a decoded event (relayed from another process) keeps its own. */
    private void bindIdentity(PreparedStatement insert, int first, ILoggingEvent event) throws SQLException {
        if (event instanceof DecodedLoggingEvent decoded) {
            insert.setString(first, text(decoded.getService()));
            insert.setString(first + 1, text(decoded.getHost()));
            if (decoded.getPid() != DecodedLoggingEvent.UNKNOWN_PID) {
                insert.setLong(first + 2, decoded.getPid());
            } else {
                insert.setNull(first + 2, Types.INTEGER);
            }
            return;
        }
        insert.setString(first, service);
        insert.setString(first + 1, host);
        insert.setLong(first + 2, pid);
    }

    private String text(String value) {
        return UnicodeText.valid(parts.truncate(value));
    }

    private static Double number(Object value) {
        double d;
        if (value instanceof Number) {
            d = ((Number) value).doubleValue();
        } else if (value instanceof String) {
            try {
                d = Double.parseDouble(((String) value).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? d : null;
    }
}
