package dev.sluice.sqlite;

import static dev.sluice.sqlite.SqliteTestSupport.configure;
import static dev.sluice.sqlite.SqliteTestSupport.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.BasicSequenceNumberGenerator;
import dev.sluice.core.SluiceMetrics;
import dev.sluice.testing.LogbackTestContext;
import dev.sluice.testing.StatusAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MarkerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The log store over files the real appender wrote. Most tests read one shared file holding a known mix of events
 * (written once, with fixed timestamps); the others write their own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LogStoreTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final String MAX_CODE_POINT = new String(Character.toChars(Character.MAX_CODE_POINT));

    /** One event of the shared file; its message identifies it (every message is different). */
    record Ev(long offsetMillis, Level level, String logger, String thread, Map<String, String> mdc, String message) {
        long ts() {
            return T0.toEpochMilli() + offsetMillis;
        }
    }

    /** Written in this order, so ids follow it. Loggers, MDC and messages hold the traps the filters must avoid. */
    private static final List<Ev> EVENTS = List.of(
            new Ev(0, Level.INFO, "com.acme", "main", mdc("job", "42"), "started 100%"),
            new Ev(1000, Level.DEBUG, "com.acme.sub", "main", mdc("job", "42"), "step_1 of 3"),
            new Ev(1000, Level.WARN, "com.acmeX", "worker-1", mdc("job", "43"), "timeout after 5s"),
            new Ev(
                    2000,
                    Level.ERROR,
                    "com.acme.sub.Deep",
                    "worker-1",
                    mdc("job", "42", "user", "o'brien \"q\""),
                    "timeout: giving up"),
            new Ev(3000, Level.TRACE, "com.acmf", "worker-2", mdc(), "trace 50 percent"),
            new Ev(4000, Level.INFO, "com.acmd.z", "worker-2", mdc("a\"b", "x"), "plain"),
            new Ev(5000, Level.WARN, "Com.acme", "main", mdc("$.x", "y"), "Timeout in caps"),
            new Ev(6000, Level.INFO, "com.acm", "main", mdc("job", "42 "), "job_42"),
            new Ev(7000, Level.ERROR, "ünï.code", "wörker-ü", mdc("ключ", "значение"), "non-ascii ✓"),
            new Ev(8000, Level.DEBUG, "日本.ログ", "main", mdc(), "ログ timeout"),
            new Ev(9000, Level.INFO, "😀.a", "main", mdc("job", "42"), "emoji 😀"),
            new Ev(10000, Level.WARN, "\uD7FF.low", "worker-1", mdc(), "below the surrogates"),
            new Ev(11000, Level.INFO, "\uE000.pua", "worker-1", mdc(), "private use"),
            new Ev(12000, Level.INFO, "\uFFFF.x", "worker-2", mdc(), "last BMP"),
            new Ev(13000, Level.ERROR, MAX_CODE_POINT + ".max", "worker-2", mdc(), "max code point"),
            new Ev(
                    14000,
                    Level.INFO,
                    "com.acme",
                    "main",
                    mdc("job", "42", "$.job", "43", "job' OR '1'='1", "x"),
                    "a%b"),
            new Ev(14000, Level.DEBUG, "com.acme", "main", mdc("x') OR 1=1 --", "'; DROP TABLE logs; --"), "axb"),
            new Ev(15000, Level.WARN, "com.acme.sub", "main", mdc("job", "\"42\""), "a_b"),
            new Ev(16000, Level.TRACE, "com.acme", "worker-1", mdc("", "empty key"), "_"),
            new Ev(16000, Level.ERROR, "com.acme", "worker-1", mdc("back\\slash", "new\nline"), "%"),
            new Ev(17000, Level.INFO, "other", "main", mdc(), null),
            new Ev(18000, Level.WARN, "com.acme.audit", "main", mdc("job", "44"), "rich"));

    private static final List<String> ALL_MESSAGES =
            EVENTS.stream().map(Ev::message).toList();

    @TempDir
    static Path sharedDir;

    private static Path shared;
    private static LogStore store;

    @RegisterExtension
    final LogbackTestContext logback = new LogbackTestContext();

    @TempDir
    Path dir;

    @BeforeAll
    static void writeSharedFile() {
        shared = sharedDir.resolve("shared.db");
        try (LogbackTestContext writer = new LogbackTestContext("shared")) {
            SqliteAppender appender = configure(writer, shared, "<service>billing</service><host>h1</host>");
            writer.context().setSequenceNumberGenerator(new BasicSequenceNumberGenerator());
            for (Ev ev : EVENTS) {
                append(writer.context(), ev);
            }
            metric(writer.context(), T0.plusSeconds(50), "shared.metric", 1, null, Map.of());
            metric(writer.context(), T0.plusSeconds(51), "shared.metric", 2, null, Map.of());
            writer.context().stop();
            assertThat(appender.getStats().getDelivered())
                    .as(StatusAssertions.describe(writer.context()))
                    .isEqualTo(EVENTS.size() + 2);
        }
        store = LogStore.open(shared);
    }

    @AfterAll
    static void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---- records -------------------------------------------------------------------------------------------------

    @Test
    void returnsEveryRowOldestFirstWithEveryField() {
        List<LogRecord> records = store.logs(LogQuery.all());
        assertThat(records).extracting(LogRecord::message).containsExactlyElementsOf(ALL_MESSAGES);
        assertThat(records).extracting(LogRecord::id).isSorted().doesNotHaveDuplicates();
        assertThat(records).extracting(LogRecord::seq).doesNotContainNull().isSorted();
        for (int i = 0; i < EVENTS.size(); i++) {
            Ev ev = EVENTS.get(i);
            LogRecord record = records.get(i);
            assertThat(record.timestamp()).isEqualTo(Instant.ofEpochMilli(ev.ts()));
            assertThat(record.level()).isEqualTo(ev.level().toString());
            assertThat(record.levelInt()).isEqualTo(ev.level().toInt());
            assertThat(record.logger()).isEqualTo(ev.logger());
            assertThat(record.thread()).isEqualTo(ev.thread());
            assertThat(record.mdc()).as(ev.message()).containsExactlyEntriesOf(ev.mdc());
            assertThat(record.service()).isEqualTo("billing");
            assertThat(record.host()).isEqualTo("h1");
            assertThat(record.pid()).isEqualTo(ProcessHandle.current().pid());
        }
    }

    @Test
    void aRecordCarriesMarkersKeyValuesThrowableAndCaller() {
        LogRecord rich = single(LogQuery.all().messageContains("rich"));
        assertThat(rich.level()).isEqualTo("WARN");
        assertThat(rich.levelInt()).isEqualTo(30_000);
        assertThat(rich.timestamp()).isEqualTo(T0.plusSeconds(18));
        assertThat(rich.mdc()).containsExactly(entry("job", "44"));
        assertThat(rich.markers()).containsExactly("AUDIT", "SECURITY");
        assertThat(rich.kv()).isEqualTo("{\"amount\":12,\"card\":\"c-1\"}");
        assertThat(rich.throwable())
                .contains("\"class\":\"java.lang.IllegalStateException\"")
                .contains("\"message\":\"card declined\"");
        assertThat(rich.caller())
                .isEqualTo("{\"class\":\"com.acme.Billing\",\"method\":\"charge\",\"file\":\"Billing.java\","
                        + "\"line\":42}");

        LogRecord bare = single(LogQuery.all().loggerPrefix("other"));
        assertThat(bare.message()).isNull();
        assertThat(bare.mdc()).isEmpty();
        assertThat(bare.markers()).isEmpty();
        assertThat(bare.kv()).isNull();
        assertThat(bare.throwable()).isNull();
        assertThat(bare.caller()).isNull();
    }

    @Test
    void mdcWithQuotesBackslashesAndOddKeysIsReadBackExactly() {
        assertThat(single(LogQuery.all().messageContains("a%b")).mdc())
                .containsExactly(entry("job", "42"), entry("$.job", "43"), entry("job' OR '1'='1", "x"));
        assertThat(single(LogQuery.all().messageContains("%").level(Level.ERROR))
                        .mdc())
                .containsExactly(entry("back\\slash", "new\nline"));
        assertThat(single(LogQuery.all().messageContains("giving up")).mdc())
                .containsExactly(entry("job", "42"), entry("user", "o'brien \"q\""));
    }

    // ---- filters alone -------------------------------------------------------------------------------------------

    @Test
    void filtersByExactLevel() {
        assertThat(messages(LogQuery.all().level(Level.WARN)))
                .containsExactly("timeout after 5s", "Timeout in caps", "below the surrogates", "a_b", "rich");
        assertThat(messages(LogQuery.all().level("trace"))).containsExactly("trace 50 percent", "_");
    }

    @Test
    void filtersByMinimumLevel() {
        assertThat(messages(LogQuery.all().minLevel(Level.WARN)))
                .containsExactly(
                        "timeout after 5s",
                        "timeout: giving up",
                        "Timeout in caps",
                        "non-ascii ✓",
                        "below the surrogates",
                        "max code point",
                        "a_b",
                        "%",
                        "rich");
        assertThat(messages(LogQuery.all().minLevel(" error ")))
                .containsExactly("timeout: giving up", "non-ascii ✓", "max code point", "%");
        assertThat(messages(LogQuery.all().minLevel(Level.TRACE))).containsExactlyElementsOf(ALL_MESSAGES);
        assertThat(messages(LogQuery.all().level(Level.ERROR).minLevel(Level.DEBUG)))
                .as("the last level filter wins")
                .hasSize(EVENTS.size() - 2);
    }

    @Test
    void filtersByTimeRangeFromInclusiveToExclusive() {
        assertThat(messages(LogQuery.all().from(T0.plusSeconds(1)).to(T0.plusSeconds(5))))
                .containsExactly("step_1 of 3", "timeout after 5s", "timeout: giving up", "trace 50 percent", "plain");
        assertThat(messages(LogQuery.all().from(T0.plusSeconds(16)))).containsExactly("_", "%", null, "rich");
        assertThat(messages(LogQuery.all().to(T0.plusSeconds(1)))).containsExactly("started 100%");
        assertThat(messages(LogQuery.all().from(T0.plusSeconds(3)).to(T0.plusSeconds(3))))
                .isEmpty();
    }

    @Test
    void aTimeBetweenTwoMillisecondsStartsAtTheNextOne() {
        // [0.9995 s, 1.0005 s) holds the millisecond 1000; [1.000000001 s, 3 s) does not.
        assertThat(messages(LogQuery.all().from(T0.plusNanos(999_500_000)).to(T0.plusNanos(1_000_500_000))))
                .containsExactly("step_1 of 3", "timeout after 5s");
        assertThat(messages(LogQuery.all().from(T0.plusNanos(1_000_000_001)).to(T0.plusSeconds(3))))
                .containsExactly("timeout: giving up");
        assertThat(messages(LogQuery.all().from(Instant.MIN).to(Instant.MAX))).containsExactlyElementsOf(ALL_MESSAGES);
    }

    @Test
    void filtersByLoggerPrefixCaseSensitivelyAsPlainText() {
        assertThat(messages(LogQuery.all().loggerPrefix("com.acme")))
                .containsExactly(
                        "started 100%",
                        "step_1 of 3", "timeout after 5s", "timeout: giving up", "a%b", "axb", "a_b", "_", "%", "rich");
        assertThat(messages(LogQuery.all().loggerPrefix("com.acme.")))
                .containsExactly("step_1 of 3", "timeout: giving up", "a_b", "rich");
        assertThat(messages(LogQuery.all().loggerPrefix("com.acme.sub")))
                .containsExactly("step_1 of 3", "timeout: giving up", "a_b");
        assertThat(messages(LogQuery.all().loggerPrefix("com.acmeX"))).containsExactly("timeout after 5s");
        assertThat(messages(LogQuery.all().loggerPrefix("com.acmf"))).containsExactly("trace 50 percent");
        assertThat(messages(LogQuery.all().loggerPrefix("Com."))).containsExactly("Timeout in caps");
        assertThat(messages(LogQuery.all().loggerPrefix("com.acme.sub.Deep.more")))
                .isEmpty();
        assertThat(messages(LogQuery.all().loggerPrefix("com.acm")))
                .containsExactly(
                        "started 100%",
                        "step_1 of 3",
                        "timeout after 5s",
                        "timeout: giving up",
                        "trace 50 percent",
                        "plain",
                        "job_42",
                        "a%b",
                        "axb",
                        "a_b",
                        "_",
                        "%",
                        "rich");
    }

    @Test
    void loggerPrefixesFollowCodePointOrderBeyondAscii() {
        assertThat(messages(LogQuery.all().loggerPrefix("ü"))).containsExactly("non-ascii ✓");
        assertThat(messages(LogQuery.all().loggerPrefix("日本"))).containsExactly("ログ timeout");
        assertThat(messages(LogQuery.all().loggerPrefix("😀"))).containsExactly("emoji 😀");
        // The next code point after U+D7FF is U+E000: the surrogates are not characters.
        assertThat(messages(LogQuery.all().loggerPrefix("\uD7FF"))).containsExactly("below the surrogates");
        // U+E000 and U+FFFF sort below U+1F600 in UTF-8 (SQLite's order), above it in UTF-16 (Java's).
        assertThat(messages(LogQuery.all().loggerPrefix("\uE000"))).containsExactly("private use");
        assertThat(messages(LogQuery.all().loggerPrefix("\uFFFF"))).containsExactly("last BMP");
        // Nothing is above U+10FFFF: the range has no upper bound.
        assertThat(messages(LogQuery.all().loggerPrefix(MAX_CODE_POINT))).containsExactly("max code point");
        // Half a surrogate pair stands for U+FFFD, as in stored text: no logger starts with it.
        assertThat(messages(LogQuery.all().loggerPrefix("\uD83D"))).isEmpty();
    }

    @Test
    void filtersByExactThreadName() {
        assertThat(messages(LogQuery.all().thread("worker-1")))
                .containsExactly(
                        "timeout after 5s", "timeout: giving up", "below the surrogates", "private use", "_", "%");
        assertThat(messages(LogQuery.all().thread("wörker-ü"))).containsExactly("non-ascii ✓");
        assertThat(messages(LogQuery.all().thread("Main"))).isEmpty();
        assertThat(messages(LogQuery.all().thread("worker-"))).isEmpty();
    }

    @Test
    void filtersByMdcValuesAsData() {
        assertThat(messages(LogQuery.all().mdc("job", "42")))
                .containsExactly("started 100%", "step_1 of 3", "timeout: giving up", "emoji 😀", "a%b");
        // "$.job" is a key, never a JSON path: job=43 elsewhere does not match it, nor it job=43.
        assertThat(messages(LogQuery.all().mdc("$.job", "43"))).containsExactly("a%b");
        assertThat(messages(LogQuery.all().mdc("job", "43"))).containsExactly("timeout after 5s");
        assertThat(messages(LogQuery.all().mdc("$.x", "y"))).containsExactly("Timeout in caps");
        assertThat(messages(LogQuery.all().mdc("a\"b", "x"))).containsExactly("plain");
        assertThat(messages(LogQuery.all().mdc("user", "o'brien \"q\""))).containsExactly("timeout: giving up");
        assertThat(messages(LogQuery.all().mdc("", "empty key"))).containsExactly("_");
        assertThat(messages(LogQuery.all().mdc("back\\slash", "new\nline"))).containsExactly("%");
        assertThat(messages(LogQuery.all().mdc("x') OR 1=1 --", "'; DROP TABLE logs; --")))
                .containsExactly("axb");
        assertThat(messages(LogQuery.all().mdc("job' OR '1'='1", "x"))).containsExactly("a%b");
        assertThat(messages(LogQuery.all().mdc("ключ", "значение"))).containsExactly("non-ascii ✓");
        assertThat(messages(LogQuery.all().mdc("job", "42 "))).containsExactly("job_42");
        assertThat(messages(LogQuery.all().mdc("job", "\"42\""))).containsExactly("a_b");
        assertThat(messages(LogQuery.all().mdc("job", "4"))).isEmpty();
        assertThat(messages(LogQuery.all().mdc("nope", "x"))).isEmpty();
    }

    @Test
    void severalMdcEntriesMustAllMatchAndARepeatedKeyReplacesItsValue() {
        assertThat(messages(LogQuery.all().mdc("job", "42").mdc("user", "o'brien \"q\"")))
                .containsExactly("timeout: giving up");
        assertThat(messages(LogQuery.all().mdc("job", "42").mdc("$.job", "43"))).containsExactly("a%b");
        assertThat(messages(LogQuery.all().mdc("job", "42").mdc("job", "43"))).containsExactly("timeout after 5s");
    }

    @Test
    void filtersByMessageTextWithoutWildcards() {
        assertThat(messages(LogQuery.all().messageContains("timeout")))
                .containsExactly("timeout after 5s", "timeout: giving up", "ログ timeout");
        assertThat(messages(LogQuery.all().messageContains("Timeout"))).containsExactly("Timeout in caps");
        // LIKE would read '%' and '_' as wildcards and match nearly everything.
        assertThat(messages(LogQuery.all().messageContains("%"))).containsExactly("started 100%", "a%b", "%");
        assertThat(messages(LogQuery.all().messageContains("_"))).containsExactly("step_1 of 3", "job_42", "a_b", "_");
        assertThat(messages(LogQuery.all().messageContains("a_b"))).containsExactly("a_b");
        assertThat(messages(LogQuery.all().messageContains("a%b"))).containsExactly("a%b");
        assertThat(messages(LogQuery.all().messageContains("50%"))).isEmpty();
        assertThat(messages(LogQuery.all().messageContains("😀"))).containsExactly("emoji 😀");
        assertThat(messages(LogQuery.all().messageContains(" "))).hasSize(13);
    }

    // ---- combinations, order, limit ------------------------------------------------------------------------------

    @Test
    void combinesFilters() {
        LogQuery warnings =
                LogQuery.all().minLevel(Level.WARN).loggerPrefix("com.acme").thread("worker-1");
        assertThat(messages(warnings)).containsExactly("timeout after 5s", "timeout: giving up", "%");
        assertThat(messages(warnings.from(T0.plusMillis(1500)))).containsExactly("timeout: giving up", "%");
        assertThat(messages(warnings.from(T0.plusMillis(1500)).messageContains("timeout")))
                .containsExactly("timeout: giving up");
        assertThat(messages(warnings.to(T0.plusMillis(1500)).messageContains("timeout")))
                .containsExactly("timeout after 5s");
        LogQuery job = LogQuery.all().mdc("job", "42").minLevel("INFO").loggerPrefix("com.acme");
        assertThat(messages(job)).containsExactly("started 100%", "timeout: giving up", "a%b");
        assertThat(messages(job.newestFirst())).containsExactly("a%b", "timeout: giving up", "started 100%");
        assertThat(messages(job.newestFirst().limit(1))).containsExactly("a%b");
    }

    @Test
    void ordersByTimestampThenRowIdAndLimits() {
        List<String> reversed = new ArrayList<>(ALL_MESSAGES);
        Collections.reverse(reversed);
        assertThat(messages(LogQuery.all().newestFirst())).containsExactlyElementsOf(reversed);
        assertThat(messages(LogQuery.all().newestFirst().oldestFirst())).containsExactlyElementsOf(ALL_MESSAGES);
        assertThat(messages(LogQuery.all().limit(3)))
                .containsExactly("started 100%", "step_1 of 3", "timeout after 5s");
        assertThat(messages(LogQuery.all().newestFirst().limit(4))).containsExactly("rich", null, "%", "_");
        LogQuery sameMillisecond = LogQuery.all().from(T0.plusSeconds(14)).to(T0.plusMillis(14_001));
        assertThat(messages(sameMillisecond)).containsExactly("a%b", "axb");
        assertThat(messages(sameMillisecond.newestFirst())).containsExactly("axb", "a%b");
        // Through the level index the DEBUG row (written second) comes first; the row id still orders the tie.
        assertThat(messages(sameMillisecond.minLevel(Level.DEBUG))).containsExactly("a%b", "axb");
        assertThat(messages(sameMillisecond.minLevel(Level.DEBUG).newestFirst()))
                .containsExactly("axb", "a%b");
        assertThat(messages(LogQuery.all().limit(1))).containsExactly("started 100%");
        assertThat(messages(LogQuery.all().limit(LogQuery.MAX_LIMIT))).hasSize(EVENTS.size());
    }

    @Test
    void everyCombinationMatchesAPlainJavaFilterOfTheEvents() {
        List<Object[]> levels = List.of(
                new Object[] {null, null},
                new Object[] {"exact", Level.INFO},
                new Object[] {"min", Level.WARN},
                new Object[] {"min", Level.DEBUG});
        List<String> prefixes = List.of("", "com.acme", "com.acme.", "\uD7FF", "\uFFFF", MAX_CODE_POINT, "😀");
        List<String> threads = List.of("", "main", "worker-1");
        List<String[]> mdcs = List.of(new String[0], new String[] {"job", "42"}, new String[] {"$.job", "43"});
        List<String> texts = List.of("", "timeout", "%", "_");
        List<Instant[]> ranges =
                List.of(new Instant[] {null, null}, new Instant[] {T0.plusSeconds(1), T0.plusSeconds(14)});
        int checked = 0;
        for (Object[] level : levels) {
            for (String prefix : prefixes) {
                for (String thread : threads) {
                    for (String[] mdc : mdcs) {
                        for (String text : texts) {
                            for (Instant[] range : ranges) {
                                LogQuery query = LogQuery.all();
                                Predicate<Ev> expected = ev -> true;
                                if ("exact".equals(level[0])) {
                                    query = query.level((Level) level[1]);
                                    expected = expected.and(ev -> ev.level().equals(level[1]));
                                } else if ("min".equals(level[0])) {
                                    query = query.minLevel((Level) level[1]);
                                    expected = expected.and(ev -> ev.level().isGreaterOrEqual((Level) level[1]));
                                }
                                if (!prefix.isEmpty()) {
                                    query = query.loggerPrefix(prefix);
                                    expected = expected.and(ev -> ev.logger().startsWith(prefix));
                                }
                                if (!thread.isEmpty()) {
                                    query = query.thread(thread);
                                    expected = expected.and(ev -> ev.thread().equals(thread));
                                }
                                if (mdc.length > 0) {
                                    query = query.mdc(mdc[0], mdc[1]);
                                    expected = expected.and(
                                            ev -> mdc[1].equals(ev.mdc().get(mdc[0])));
                                }
                                if (!text.isEmpty()) {
                                    query = query.messageContains(text);
                                    expected = expected.and(ev ->
                                            ev.message() != null && ev.message().contains(text));
                                }
                                if (range[0] != null) {
                                    query = query.from(range[0]).to(range[1]);
                                    expected = expected.and(ev ->
                                            ev.ts() >= range[0].toEpochMilli() && ev.ts() < range[1].toEpochMilli());
                                }
                                List<String> oldestFirst = EVENTS.stream()
                                        .filter(expected)
                                        .map(Ev::message)
                                        .toList();
                                List<String> newestFirst = new ArrayList<>(oldestFirst);
                                Collections.reverse(newestFirst);
                                assertThat(messages(query)).as(query.toString()).containsExactlyElementsOf(oldestFirst);
                                assertThat(messages(query.newestFirst().limit(2)))
                                        .as(query.toString())
                                        .containsExactlyElementsOf(
                                                newestFirst.subList(0, Math.min(2, newestFirst.size())));
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(4 * 7 * 3 * 3 * 4 * 2);
    }

    @Test
    void hostileTextIsJustData() {
        String hostile = "'; DROP TABLE logs; -- \" ) OR 1=1 % _ \\ \u0000 $.job [0] *";
        assertThat(store.logs(LogQuery.all()
                        .loggerPrefix(hostile)
                        .thread(hostile)
                        .mdc(hostile, hostile)
                        .messageContains(hostile)))
                .isEmpty();
        assertThat(store.logs(LogQuery.all().loggerPrefix(hostile))).isEmpty();
        assertThat(store.logs(LogQuery.all().thread(hostile))).isEmpty();
        assertThat(store.logs(LogQuery.all().mdc(hostile, "x"))).isEmpty();
        assertThat(store.logs(LogQuery.all().messageContains(hostile))).isEmpty();
        assertThat(store.metrics(hostile, T0, T0.plusSeconds(100), 10)).isEmpty();
        assertThat(store.metricSummary(hostile, T0, T0.plusSeconds(100)).count())
                .isZero();
        assertThat(store.logs(LogQuery.all())).hasSize(EVENTS.size());
    }

    // ---- query plans ---------------------------------------------------------------------------------------------

    @Test
    void aLoggerPrefixQueryUsesTheLoggerIndex() {
        assertThat(store.queryPlan(LogQuery.all().loggerPrefix("com.acme")))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_logger_ts (logger>? AND logger<?)"));
        assertThat(store.queryPlan(LogQuery.all().loggerPrefix("com.acme").newestFirst()))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_logger_ts"));
    }

    @Test
    void aLevelQueryUsesTheLevelIndex() {
        assertThat(store.queryPlan(LogQuery.all().minLevel(Level.WARN)))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_level_ts (level_int=?)"));
        assertThat(store.queryPlan(LogQuery.all().minLevel(Level.WARN).newestFirst()))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_level_ts"));
        assertThat(store.queryPlan(LogQuery.all().level(Level.ERROR)))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_level_ts (level_int=?)"));
        assertThat(store.queryPlan(LogQuery.all().minLevel(Level.WARN).from(T0).to(T0.plusSeconds(1))))
                .anySatisfy(
                        step -> assertThat(step).contains("USING INDEX logs_level_ts (level_int=? AND ts>? AND ts<?)"));
    }

    @Test
    void aTimeRangeQueryUsesTheTimestampIndex() {
        assertThat(store.queryPlan(LogQuery.all().from(T0).to(T0.plusSeconds(1))))
                .anySatisfy(step -> assertThat(step).contains("USING INDEX logs_ts (ts>? AND ts<?)"));
    }

    // ---- statistics ----------------------------------------------------------------------------------------------

    @Test
    void countsWhatTheFileHolds() {
        LogStatistics stats = store.statistics();
        assertThat(stats.totalLogs()).isEqualTo(22);
        assertThat(stats.totalMetrics()).isEqualTo(2);
        assertThat(stats.logsByLevel()).containsExactlyEntriesOf(levelCounts(2, 3, 8, 5, 4));
        // Ties in code point order: 日 (U+65E5) < U+D7FF < U+E000 < U+FFFF < 😀 (U+1F600) < U+10FFFF.
        assertThat(stats.topLoggers())
                .containsExactly(
                        entry("com.acme", 5L),
                        entry("com.acme.sub", 2L),
                        entry("Com.acme", 1L),
                        entry("com.acm", 1L),
                        entry("com.acmd.z", 1L),
                        entry("com.acme.audit", 1L),
                        entry("com.acme.sub.Deep", 1L),
                        entry("com.acmeX", 1L),
                        entry("com.acmf", 1L),
                        entry("other", 1L),
                        entry("ünï.code", 1L),
                        entry("日本.ログ", 1L),
                        entry("\uD7FF.low", 1L),
                        entry("\uE000.pua", 1L),
                        entry("\uFFFF.x", 1L),
                        entry("😀.a", 1L),
                        entry(MAX_CODE_POINT + ".max", 1L));
        assertThat(stats.topThreads())
                .containsExactly(
                        entry("main", 11L), entry("worker-1", 6L), entry("worker-2", 4L), entry("wörker-ü", 1L));
        assertThat(stats.firstTimestamp()).isEqualTo(T0);
        assertThat(stats.lastTimestamp()).isEqualTo(T0.plusSeconds(18));
    }

    @Test
    void statisticsRankAtMostTheRequestedNumberOfLoggersAndThreads() {
        LogStatistics stats = store.statistics(3);
        assertThat(stats.topLoggers())
                .containsExactly(entry("com.acme", 5L), entry("com.acme.sub", 2L), entry("Com.acme", 1L));
        assertThat(stats.topThreads())
                .containsExactly(entry("main", 11L), entry("worker-1", 6L), entry("worker-2", 4L));
        assertThat(stats.totalLogs()).isEqualTo(22);
    }

    @Test
    void statisticsOfAnEmptyFile() {
        Path db = dir.resolve("empty.db");
        configure(logback, db, "");
        metric(logback.context(), T0, "only.metric", 1, null, Map.of());
        logback.context().stop();
        try (LogStore empty = LogStore.open(db)) {
            LogStatistics stats = empty.statistics();
            assertThat(stats.totalLogs()).isZero();
            assertThat(stats.totalMetrics()).isEqualTo(1);
            assertThat(stats.logsByLevel()).containsExactlyEntriesOf(levelCounts(0, 0, 0, 0, 0));
            assertThat(stats.topLoggers()).isEmpty();
            assertThat(stats.topThreads()).isEmpty();
            assertThat(stats.firstTimestamp()).isNull();
            assertThat(stats.lastTimestamp()).isNull();
            assertThat(empty.logs(LogQuery.all())).isEmpty();
        }
    }

    // ---- metrics -------------------------------------------------------------------------------------------------

    @Test
    void summarisesMetricsWithNearestRankPercentiles() {
        Path db = dir.resolve("metrics.db");
        SqliteAppender appender = configure(logback, db, "");
        // Value v at T0 + v seconds, written in a shuffled order so that ids do not follow time or value.
        List<Integer> values =
                new ArrayList<>(IntStream.rangeClosed(1, 100).boxed().toList());
        Collections.shuffle(values, new Random(7));
        for (int v : values) {
            metric(logback.context(), T0.plusSeconds(v), "latency", v, "ms", Map.of("route", "/a\"b"));
        }
        metric(logback.context(), T0.plusSeconds(1), "queue.depth", 3, null, Map.of());
        metric(logback.context(), T0.plusSeconds(1), "größe", 0.25, "kg", Map.of());
        metric(logback.context(), T0.plusSeconds(1), "x' OR '1'='1", -1, null, Map.of());
        logback.context().stop();
        assertThat(appender.getStats().getDelivered()).isEqualTo(103);

        try (LogStore metrics = LogStore.open(db)) {
            MetricSummary all = metrics.metricSummary("latency", T0, T0.plusSeconds(101));
            assertThat(all).isEqualTo(new MetricSummary("latency", 100, 1, 100, 50.5, 50, 90, 95, 99));
            MetricSummary ten = metrics.metricSummary("latency", T0.plusSeconds(11), T0.plusSeconds(21));
            assertThat(ten).isEqualTo(new MetricSummary("latency", 10, 11, 20, 15.5, 15, 19, 20, 20));
            MetricSummary one = metrics.metricSummary("latency", T0.plusSeconds(7), T0.plusSeconds(8));
            assertThat(one).isEqualTo(new MetricSummary("latency", 1, 7, 7, 7, 7, 7, 7, 7));
            MetricSummary none = metrics.metricSummary("latency", T0.plusSeconds(200), T0.plusSeconds(300));
            assertThat(none.count()).isZero();
            assertThat(none.isEmpty()).isTrue();
            assertThat(List.of(none.min(), none.max(), none.avg(), none.p50(), none.p90(), none.p95(), none.p99()))
                    .allMatch(d -> Double.isNaN(d));
            assertThat(metrics.metricSummary("nope", T0, T0.plusSeconds(101)).isEmpty())
                    .isTrue();
            assertThat(metrics.metricSummary("x' OR '1'='1", T0, T0.plusSeconds(101)))
                    .isEqualTo(new MetricSummary("x' OR '1'='1", 1, -1, -1, -1, -1, -1, -1, -1));

            assertThat(metrics.metrics("latency", T0, T0.plusSeconds(101), 5))
                    .extracting(MetricPoint::value)
                    .containsExactly(1.0, 2.0, 3.0, 4.0, 5.0);
            assertThat(metrics.metrics("latency", T0.plusSeconds(98), T0.plusSeconds(1000), 100))
                    .containsExactly(
                            new MetricPoint(T0.plusSeconds(98), "latency", 98, "ms", "{\"route\":\"/a\\\"b\"}"),
                            new MetricPoint(T0.plusSeconds(99), "latency", 99, "ms", "{\"route\":\"/a\\\"b\"}"),
                            new MetricPoint(T0.plusSeconds(100), "latency", 100, "ms", "{\"route\":\"/a\\\"b\"}"));
            assertThat(metrics.metrics("queue.depth", T0, T0.plusSeconds(2), 10))
                    .containsExactly(new MetricPoint(T0.plusSeconds(1), "queue.depth", 3, null, null));
            assertThat(metrics.metrics("latency", T0.plusSeconds(5), T0.plusSeconds(5), 10))
                    .isEmpty();
            assertThat(metrics.metricNames()).containsExactly("größe", "latency", "queue.depth", "x' OR '1'='1");
            assertThat(metrics.statistics().totalMetrics()).isEqualTo(103);
            assertThat(metrics.statistics().totalLogs()).isZero();
        }
    }

    @Test
    void percentilesOfRepeatedValues() {
        Path db = dir.resolve("repeated.db");
        configure(logback, db, "");
        double[] values = {5, 1, 5, 5, 2, 2};
        for (int i = 0; i < values.length; i++) {
            metric(logback.context(), T0.plusMillis(i), "r", values[i], null, Map.of());
        }
        logback.context().stop();
        try (LogStore metrics = LogStore.open(db)) {
            // Sorted: 1 2 2 5 5 5. Ranks: p50 3, p90 6, p95 6, p99 6.
            assertThat(metrics.metricSummary("r", T0, T0.plusSeconds(1)))
                    .isEqualTo(new MetricSummary("r", 6, 1, 5, 20.0 / 6, 2, 5, 5, 5));
        }
    }

    // ---- concurrent use ------------------------------------------------------------------------------------------

    @Test
    void readsCommittedRowsWhileTheAppenderWrites() throws Exception {
        Path db = dir.resolve("live.db");
        SqliteAppender appender = configure(logback, db, "<overflowPolicy>BLOCK</overflowPolicy>");
        Logger logger = logback.logger("live");
        logger.info("first");
        await().atMost(Duration.ofSeconds(StatusAssertions.DEFAULT_AWAIT_SECONDS))
                .until(() -> appender.getStats().getDelivered() == 1);

        try (LogStore live = LogStore.open(db)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(
                    () -> {
                        while (!stop.get() && written.get() < LogQuery.MAX_LIMIT) {
                            logger.info("w-{}", written.get());
                            written.incrementAndGet();
                        }
                    },
                    "writer");
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicInteger reads = new AtomicInteger();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(new Thread(
                        () -> {
                            long lastTotal = 0;
                            int lastNewest = -1;
                            try {
                                while (!stop.get()) {
                                    long total = live.statistics().totalLogs();
                                    assertThat(total).isGreaterThanOrEqualTo(lastTotal);
                                    lastTotal = total;
                                    List<LogRecord> newest = live.logs(LogQuery.all()
                                            .thread("writer")
                                            .newestFirst()
                                            .limit(1));
                                    if (!newest.isEmpty()) {
                                        int n = Integer.parseInt(
                                                newest.get(0).message().substring(2));
                                        assertThat(n).isGreaterThanOrEqualTo(lastNewest);
                                        lastNewest = n;
                                    }
                                    reads.incrementAndGet();
                                }
                            } catch (Throwable t) {
                                failures.add(t);
                            }
                        },
                        "reader-" + r));
            }
            writer.start();
            readers.forEach(Thread::start);
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> live.statistics().totalLogs() > 2000 && reads.get() > 10);
            } finally {
                stop.set(true);
                writer.join();
                for (Thread reader : readers) {
                    reader.join();
                }
            }
            assertThat(failures).isEmpty();

            logback.context().stop();
            int n = written.get();
            assertThat(appender.getStats().getDelivered()).isEqualTo(n + 1);
            assertThat(live.statistics().totalLogs()).isEqualTo(n + 1);
            assertThat(live.logs(LogQuery.all().thread("writer").limit(LogQuery.MAX_LIMIT)))
                    .extracting(LogRecord::message)
                    .containsExactlyElementsOf(
                            IntStream.range(0, n).mapToObj(i -> "w-" + i).toList());
        }
    }

    // ---- opening -------------------------------------------------------------------------------------------------

    @Test
    void refusesAMissingFileWithoutCreatingIt() {
        Path missing = dir.resolve("missing.db");
        assertRefused(missing, "does not exist");
        assertThat(missing).doesNotExist();
        assertRefused(dir, "not a regular file");
    }

    @Test
    void refusesAFileThatIsNotASluiceDatabase() throws Exception {
        Path text = dir.resolve("notes.db");
        Files.writeString(
                text,
                "this is not a database, just some text long enough to be read as a header".repeat(20),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> LogStore.open(text))
                .isInstanceOf(LogStoreException.class)
                .hasMessageContaining(text.toString());

        Path empty = dir.resolve("empty.db");
        Files.createFile(empty);
        assertRefused(empty, "no sluice_schema table");

        Path foreign = dir.resolve("foreign.db");
        execute(foreign, "CREATE TABLE logs (id INTEGER PRIMARY KEY, line TEXT)");
        assertRefused(foreign, "no sluice_schema table");
    }

    @Test
    void refusesANewerOrMissingSchemaVersion() throws Exception {
        Path db = writeOneEvent("versions.db");
        execute(db, "UPDATE sluice_schema SET version = " + (SqliteSchema.VERSION + 1));
        assertRefused(db, "schema version " + (SqliteSchema.VERSION + 1), "newer");
        execute(db, "DELETE FROM sluice_schema");
        assertRefused(db, "records no schema version");
    }

    @Test
    void refusesAPathTheDriverWouldMisread() {
        Path odd = dir.resolve("a?mode=rw.db");
        assertThatThrownBy(() -> LogStore.open(odd))
                .isInstanceOf(LogStoreException.class)
                .hasMessageContaining("must not contain '?'");
    }

    @Test
    void aClosedStoreRefusesQueriesAndClosesOnce() {
        Path db = writeOneEvent("closed.db");
        LogStore closed = LogStore.open(db, 0);
        assertThat(closed.path()).isEqualTo(db.toAbsolutePath());
        assertThat(closed.logs(LogQuery.all())).hasSize(1);
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.logs(LogQuery.all()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContaining("closed");
        assertThatThrownBy(closed::statistics).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void reportsARowWithMalformedJsonByItsId() throws Exception {
        Path db = writeOneEvent("tampered.db");
        execute(db, "UPDATE logs SET markers = '[\"ok\", {\"not\": \"a name\"}]'");
        try (LogStore tampered = LogStore.open(db)) {
            assertThatThrownBy(() -> tampered.logs(LogQuery.all()))
                    .isInstanceOf(LogStoreException.class)
                    .hasMessageContaining("Row 1 of " + db)
                    .hasMessageContaining("markers");
        }
    }

    // ---- bad arguments -------------------------------------------------------------------------------------------

    @Test
    void rejectsBadArgumentsWithClearMessages() {
        assertThatThrownBy(() -> LogStore.open(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("db");
        assertThatThrownBy(() -> LogStore.open(shared, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("busyTimeoutMillis");
        assertThatThrownBy(() -> store.logs(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("query");
        assertThatThrownBy(() -> store.metrics(null, T0, T0, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("metric name");
        assertThatThrownBy(() -> store.metrics(" ", T0, T0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric name must not be blank");
        assertThatThrownBy(() -> store.metrics("m", null, T0, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("from");
        assertThatThrownBy(() -> store.metrics("m", T0, null, 1))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("to");
        assertThatThrownBy(() -> store.metrics("m", T0.plusSeconds(1), T0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be after");
        assertThatThrownBy(() -> store.metrics("m", T0, T0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit must be between 1 and " + LogQuery.MAX_LIMIT);
        assertThatThrownBy(() -> store.metricSummary("", T0, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metric name must not be blank");
        assertThatThrownBy(() -> store.statistics(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("top must be between 1 and " + LogStore.MAX_STATISTICS_TOP);
        assertThatThrownBy(() -> store.statistics(LogStore.MAX_STATISTICS_TOP + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static List<String> messages(LogQuery query) {
        return store.logs(query).stream().map(LogRecord::message).toList();
    }

    private static LogRecord single(LogQuery query) {
        List<LogRecord> records = store.logs(query);
        assertThat(records).as(query.toString()).hasSize(1);
        return records.get(0);
    }

    /** Log rows per level, TRACE to ERROR, as {@link LogStatistics#logsByLevel()} orders them. */
    private static Map<String, Long> levelCounts(long trace, long debug, long info, long warn, long error) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("TRACE", trace);
        counts.put("DEBUG", debug);
        counts.put("INFO", info);
        counts.put("WARN", warn);
        counts.put("ERROR", error);
        return counts;
    }

    private static void assertRefused(Path db, String... explanation) {
        assertThatThrownBy(() -> LogStore.open(db))
                .isInstanceOf(LogStoreException.class)
                .hasMessageContaining(db.toString())
                .hasMessageContainingAll(explanation);
    }

    private Path writeOneEvent(String name) {
        Path db = dir.resolve(name);
        SqliteAppender appender = configure(logback, db, "");
        logback.logger("one").info("one");
        logback.context().stop();
        assertThat(appender.getStats().getDelivered()).isEqualTo(1);
        return db;
    }

    /** An MDC map in the order given: key, value, key, value... */
    private static Map<String, String> mdc(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }

    /** Sends one event with the given fields (its timestamp fixed) through the context's appenders. */
    private static void append(LoggerContext context, Ev ev) {
        Logger logger = context.getLogger(ev.logger());
        boolean rich = "rich".equals(ev.message());
        LoggingEvent event = new LoggingEvent(
                Logger.class.getName(),
                logger,
                ev.level(),
                ev.message(),
                rich ? new IllegalStateException("card declined") : null,
                null);
        event.setTimeStamp(ev.ts());
        event.setThreadName(ev.thread());
        event.setMDCPropertyMap(ev.mdc());
        if (rich) {
            event.addMarker(MarkerFactory.getMarker("AUDIT"));
            event.addMarker(MarkerFactory.getMarker("SECURITY"));
            event.addKeyValuePair(new KeyValuePair("amount", 12));
            event.addKeyValuePair(new KeyValuePair("card", "c-1"));
            event.setCallerData(
                    new StackTraceElement[] {new StackTraceElement("com.acme.Billing", "charge", "Billing.java", 42)});
        }
        logger.callAppenders(event);
    }

    /** Sends one metric sample with a fixed timestamp through the context's appenders. */
    private static void metric(
            LoggerContext context, Instant at, String name, double value, String unit, Map<String, String> tags) {
        Logger logger = context.getLogger("metrics");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO, "metric", null, null);
        event.setTimeStamp(at.toEpochMilli());
        event.addMarker(SluiceMetrics.MARKER);
        event.addKeyValuePair(new KeyValuePair(SluiceMetrics.NAME, name));
        event.addKeyValuePair(new KeyValuePair(SluiceMetrics.VALUE, value));
        if (unit != null) {
            event.addKeyValuePair(new KeyValuePair(SluiceMetrics.UNIT, unit));
        }
        tags.forEach((key, tag) -> event.addKeyValuePair(new KeyValuePair(key, tag)));
        logger.callAppenders(event);
    }
}
