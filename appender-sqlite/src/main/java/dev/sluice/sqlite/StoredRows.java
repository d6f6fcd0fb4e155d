package dev.sluice.sqlite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns result rows into {@link LogRecord}s and {@link MetricPoint}s, parsing the MDC and marker JSON. */
final class StoredRows {

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final String path;

    StoredRows(String path) {
        this.path = path;
    }

    /** The current row of a SELECT of {@link LogQuery#COLUMNS}. */
    LogRecord logRecord(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        return new LogRecord(
                id,
                Instant.ofEpochMilli(rs.getLong(2)),
                rs.getString(3),
                rs.getInt(4),
                rs.getString(5),
                rs.getString(6),
                rs.getString(7),
                mdc(rs.getString(8), id),
                rs.getString(9),
                markers(rs.getString(10), id),
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                rs.getString(14),
                nullableLong(rs, 15),
                nullableLong(rs, 16));
    }

    /** The current row of a SELECT of {@code ts, name, value, unit, tags}. */
    static MetricPoint metricPoint(ResultSet rs) throws SQLException {
        return new MetricPoint(
                Instant.ofEpochMilli(rs.getLong(1)),
                rs.getString(2),
                rs.getDouble(3),
                rs.getString(4),
                rs.getString(5));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** A JSON object of strings; other scalars are kept as their JSON text. */
    private Map<String, String> mdc(String json, long id) {
        Map<String, String> map = new LinkedHashMap<>();
        if (json == null) {
            return map;
        }
        try (JsonParser parser = JSON.createParser(json)) {
            expect(parser.nextToken() == JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                map.put(key, scalar(parser.nextToken(), parser));
            }
            expect(parser.currentToken() == JsonToken.END_OBJECT && parser.nextToken() == null);
            return map;
        } catch (IOException | IllegalStateException e) {
            throw malformed("mdc", id, e);
        }
    }

    /** A JSON array of strings. */
    private List<String> markers(String json, long id) {
        List<String> names = new ArrayList<>();
        if (json == null) {
            return names;
        }
        try (JsonParser parser = JSON.createParser(json)) {
            expect(parser.nextToken() == JsonToken.START_ARRAY);
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                names.add(scalar(token, parser));
            }
            expect(parser.nextToken() == null);
            return names;
        } catch (IOException | IllegalStateException e) {
            throw malformed("markers", id, e);
        }
    }

    private static String scalar(JsonToken token, JsonParser parser) throws IOException {
        expect(token != null && token.isScalarValue());
        return parser.getText();
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("unexpected JSON structure");
        }
    }

    private LogStoreException malformed(String column, long id, Exception cause) {
        return new LogStoreException(
                "Row " + id + " of " + path + " holds malformed " + column + " JSON: " + cause.getMessage(), cause);
    }
}
