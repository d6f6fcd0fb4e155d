package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.count;
import static dev.sluice.sqlite.SqliteTestSupport.jdbc;
import static dev.sluice.sqlite.SqliteTestSupport.strings;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import dev.sluice.core.AppenderStatsMXBean;
import dev.sluice.core.json.EventJsonSettings;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/**
 * Hostile content, each kind logged between two ordinary events in one batch: it is stored (cut where it is too long,
 * made valid Unicode where it is not) and read back exactly as specified by plain JDBC, and the ordinary events of the
 * batch are delivered with it, nothing rejected.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SqliteHostileContentTest {

    /** Every C0 control character, DEL and every C1 control character. */
    private static final String CONTROLS = IntStream.concat(
                    IntStream.rangeClosed(0, 0x1f), IntStream.rangeClosed(0x7f, 0x9f))
            .mapToObj(Character::toString)
            .collect(Collectors.joining());

    private static final List<String> HOSTILE = List.of(
            "'); DROP TABLE logs;--",
            "\"",
            "\\",
            "a\"b\\c'd",
            "$.x",
            "[0]",
            "",
            " leading and trailing ",
            "\u0000nul\u0000",
            "line\nbreak\r\ttab",
            "{\"json\": true}",
            "%s %n {} ${env:HOME}");

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    private Path db;

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    @Test
    void aTenMegabyteMessageIsStoredCutToMaxStringLengthWithTheMarker() throws Exception {
        String huge = "0123456789".repeat(1_000_000);
        writeInOneBatch(logger -> logger.info(huge));

        int max = EventJsonSettings.DEFAULT_MAX_STRING_LENGTH;
        // The marker counts the cut characters, and the marker is part of the maximum length.
        String marker = "\u2026[truncated " + (huge.length() - (max - 26)) + " chars]";
        assertThat(marker).hasSize(26);
        assertSameText(hostileColumn("message"), huge.substring(0, max - 26) + marker);
    }

    @Test
    void controlCharactersAndNulAreStoredExactly() throws Exception {
        String message = "start" + CONTROLS + "end";
        writeInOneBatch(logger -> {
            MDC.put("controls", CONTROLS);
            logger.info(message);
            MDC.remove("controls");
        });
        assertThat(hostileColumn("message")).isEqualTo(message).hasSize(5 + 65 + 3);
        assertThat(hostileColumn("json_extract(mdc, '$.controls')")).isEqualTo(CONTROLS);
    }

    @Test
    void loneSurrogatesBecomeTheReplacementCharacter() throws Exception {
        String message = "high \uD83D alone, low \uDE00 alone, reversed \uDE00\uD83D, before a pair \uD83D\uD83D\uDE00,"
                + " at the end \uD83D";
        writeInOneBatch(logger -> {
            MDC.put("lone \uD800", "value \uDC00");
            logger.info(message);
            MDC.clear();
        });
        assertThat(hostileColumn("message"))
                .isEqualTo(
                        "high \uFFFD alone, low \uFFFD alone, reversed \uFFFD\uFFFD, before a pair \uFFFD\uD83D\uDE00,"
                                + " at the end \uFFFD");
        assertThat(mdcOfHostileRow()).containsExactly(Map.entry("lone \uFFFD", "value \uFFFD"));
    }

    @Test
    void emojiAndOtherFourByteCharactersAreStoredExactly() throws Exception {
        String text = "smile \uD83D\uDE00 clef \uD834\uDD1E cjk \uD841\uDF0E family"
                + " \uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67\u200D\uD83D\uDC66 flag \uD83C\uDDFA\uD83C\uDDF3";
        writeInOneBatch(logger -> {
            MDC.put("emoji \uD83D\uDE00", text);
            logback.logger("logger.\uD83D\uDE00").info(text);
            MDC.remove("emoji \uD83D\uDE00");
        });
        assertThat(hostileColumn("message")).isEqualTo(text);
        assertThat(hostileColumn("logger")).isEqualTo("logger.\uD83D\uDE00");
        assertThat(mdcOfHostileRow()).containsExactly(Map.entry("emoji \uD83D\uDE00", text));
    }

    @Test
    void tenThousandMdcEntriesAreAllStored() throws Exception {
        Map<String, String> mdc = new LinkedHashMap<>();
        for (int i = 0; i < 10_000; i++) {
            mdc.put("key-" + i, "value-" + i);
        }
        writeInOneBatch(logger -> {
            mdc.forEach(MDC::put);
            logger.info("ten thousand MDC entries");
            MDC.clear();
        });
        long id = hostileRowId();
        assertThat(count(db, "SELECT count(*) FROM logs, json_each(logs.mdc) WHERE logs.id = " + id))
                .isEqualTo(10_000);
        assertThat(mdcOfHostileRow()).isEqualTo(mdc);
    }

    @Test
    void hostileMdcKeysAndValuesAreStoredExactlyAndNeverRunAsSql() throws Exception {
        Map<String, String> mdc = new LinkedHashMap<>();
        for (int i = 0; i < HOSTILE.size(); i++) {
            mdc.put(HOSTILE.get(i), HOSTILE.get(HOSTILE.size() - 1 - i));
        }
        writeInOneBatch(logger -> {
            mdc.forEach(MDC::put);
            logger.info(HOSTILE.get(0));
            MDC.clear();
        });
        assertThat(hostileColumn("message")).isEqualTo("'); DROP TABLE logs;--");
        assertThat(mdcOfHostileRow()).isEqualTo(mdc);
        assertThat(strings(db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"))
                .containsExactly("logs", "metrics", "sluice_schema");
    }

    @Test
    void aLoggerNameOfAHundredThousandCharactersIsStoredWhole() throws Exception {
        String name = IntStream.range(0, 1000)
                .mapToObj(i -> String.format("segment%03d", i) + "x".repeat(90))
                .collect(Collectors.joining("."));
        assertThat(name).hasSize(100_000 + 999);
        writeInOneBatch(logger -> logback.logger(name).info("from a very long logger name"));
        assertSameText(hostileColumn("logger"), name);
    }

    /**
     * Logs an ordinary event, the hostile one(s) and another ordinary event as one batch of exactly three (batchSize
     * 3, and a linger long enough for all three), stops the context, and checks the counts and the ordinary rows.
     */
    private void writeInOneBatch(Consumer<Logger> hostile) throws Exception {
        db = dir.resolve("hostile.db");
        SqliteAppender appender =
                configure(logback, db, "<batchSize>3</batchSize><maxBatchDelay>60 seconds</maxBatchDelay>");
        AppenderStatsMXBean stats = appender.getStats();
        Logger ordinary = logback.logger("ordinary");
        ordinary.info("before");
        hostile.accept(logback.logger("hostile"));
        ordinary.info("after");
        logback.context().stop();

        assertThat(stats.getAppended()).isEqualTo(3);
        assertThat(stats.getDelivered())
                .as(StatusAssertions.describe(logback.context()))
                .isEqualTo(3);
        assertThat(stats.getBatches()).as("written as one batch").isEqualTo(1);
        assertThat(stats.getDropped()).isZero();
        assertThat(stats.getDroppedRejectedBySink()).isZero();
        assertThat(stats.getFailedAttempts()).isZero();
        assertThat(strings(db, "SELECT message FROM logs WHERE logger = 'ordinary' ORDER BY id"))
                .containsExactly("before", "after");
        assertThat(count(db, "SELECT count(*) FROM logs")).isEqualTo(3);
        assertThat(strings(db, "PRAGMA integrity_check")).containsExactly("ok");
    }

    /** Equality of long strings, without printing megabytes when they differ. */
    private static void assertSameText(String actual, String expected) {
        assertThat(actual.length()).as("length").isEqualTo(expected.length());
        int at = 0;
        while (at < expected.length() && actual.charAt(at) == expected.charAt(at)) {
            at++;
        }
        assertThat(at).as("index of the first differing character").isEqualTo(expected.length());
    }

    /** The id of the middle row, the hostile event. */
    private long hostileRowId() throws Exception {
        return count(db, "SELECT id FROM logs ORDER BY id LIMIT 1 OFFSET 1");
    }

    /** One column (or expression) of the hostile row, as a plain JDBC reader reads it. */
    private String hostileColumn(String expression) throws Exception {
        List<String> values = strings(db, "SELECT " + expression + " FROM logs WHERE id = " + hostileRowId());
        assertThat(values).hasSize(1);
        return values.get(0);
    }

    /** The stored MDC object of the hostile row, read back key by key with SQLite's own JSON functions. */
    private Map<String, String> mdcOfHostileRow() throws Exception {
        Map<String, String> mdc = new LinkedHashMap<>();
        try (Connection c = jdbc(db);
                PreparedStatement s = c.prepareStatement(
                        "SELECT j.key, j.value FROM logs, json_each(logs.mdc) AS j WHERE logs.id = ? ORDER BY j.id")) {
            s.setLong(1, hostileRowId());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    mdc.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return mdc;
    }
}
