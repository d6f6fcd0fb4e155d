package dev.sluice.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Building queries: validation, immutability, and the parameterised SQL they become. */
class LogQueryTest {

    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

    @Test
    void eachStepReturnsANewQueryAndLeavesTheOldOneAsItWas() {
        LogQuery all = LogQuery.all();
        LogQuery warnings = all.minLevel(Level.WARN);
        LogQuery recent = warnings.newestFirst().limit(10);
        assertThat(all.toString()).isEqualTo("LogQuery[limit=1000, oldestFirst]");
        assertThat(warnings.toString()).isEqualTo("LogQuery[minLevel=WARN, limit=1000, oldestFirst]");
        assertThat(recent.toString()).isEqualTo("LogQuery[minLevel=WARN, limit=10, newestFirst]");
        assertThat(all.toSql().params()).containsExactly(LogQuery.DEFAULT_LIMIT);
    }

    @Test
    void everyValueIsAParameterNeverPartOfTheSqlText() {
        String hostile = "x' OR '1'='1";
        LogQuery.Sql sql = LogQuery.all()
                .level("warn")
                .from(T0)
                .to(T0.plusSeconds(1))
                .loggerPrefix(hostile)
                .thread(hostile)
                .mdc(hostile, hostile)
                .messageContains(hostile)
                .newestFirst()
                .limit(5)
                .toSql();
        assertThat(sql.text())
                .doesNotContain(hostile)
                .isEqualTo("SELECT " + LogQuery.COLUMNS + " FROM logs WHERE level_int = ? AND ts >= ? AND ts < ?"
                        + " AND logger >= ? AND logger < ? AND thread = ?"
                        + " AND EXISTS (SELECT 1 FROM json_each(logs.mdc) WHERE key = ? AND value = ?)"
                        + " AND instr(message, ?) > 0 ORDER BY ts DESC, id DESC LIMIT ?");
        assertThat(sql.params())
                .containsExactly(
                        30_000,
                        T0.toEpochMilli(),
                        T0.toEpochMilli() + 1000,
                        hostile,
                        "x' OR '1'='2",
                        hostile,
                        hostile,
                        hostile,
                        hostile,
                        5);
    }

    @Test
    void aMinimumLevelListsTheLevelsAtOrAboveIt() {
        assertThat(LogQuery.all().minLevel(Level.DEBUG).toSql().text()).contains("level_int IN (?, ?, ?, ?)");
        assertThat(LogQuery.all().minLevel(Level.DEBUG).toSql().params())
                .containsExactly(10_000, 20_000, 30_000, 40_000, LogQuery.DEFAULT_LIMIT);
        assertThat(LogQuery.all().minLevel(Level.ERROR).toSql().params())
                .containsExactly(40_000, LogQuery.DEFAULT_LIMIT);
        assertThat(LogQuery.all().minLevel(Level.TRACE).toSql().text())
                .as("every event is at TRACE or above")
                .doesNotContain("WHERE");
    }

    @Test
    void theUpperBoundOfAPrefixIsItsSuccessorInCodePointOrder() {
        assertThat(LogQuery.prefixUpperBound("com.acme")).isEqualTo("com.acmf");
        assertThat(LogQuery.prefixUpperBound("a\u0000")).isEqualTo("a\u0001");
        assertThat(LogQuery.prefixUpperBound("a\uD7FF")).isEqualTo("a\uE000");
        assertThat(LogQuery.prefixUpperBound("a\uFFFF")).isEqualTo("a" + new String(Character.toChars(0x10000)));
        assertThat(LogQuery.prefixUpperBound("😀")).isEqualTo("😁");
        String max = new String(Character.toChars(Character.MAX_CODE_POINT));
        assertThat(LogQuery.prefixUpperBound("a" + max + max)).isEqualTo("b");
        assertThat(LogQuery.prefixUpperBound(max + max)).isNull();
        assertThat(LogQuery.all().loggerPrefix(max).toSql().params()).containsExactly(max, LogQuery.DEFAULT_LIMIT);
    }

    @Test
    void halfASurrogatePairIsSentAsTheReplacementCharacter() {
        assertThat(LogQuery.all().thread("t\uD83D").toSql().params())
                .containsExactly("t\uFFFD", LogQuery.DEFAULT_LIMIT);
    }

    @Test
    void rejectsNullArguments() {
        LogQuery all = LogQuery.all();
        List<Runnable> calls = List.of(
                () -> all.level((Level) null),
                () -> all.level((String) null),
                () -> all.minLevel((Level) null),
                () -> all.minLevel((String) null),
                () -> all.from(null),
                () -> all.to(null),
                () -> all.loggerPrefix(null),
                () -> all.thread(null),
                () -> all.mdc(null, "v"),
                () -> all.mdc("k", null),
                () -> all.messageContains(null));
        for (Runnable call : calls) {
            assertThatThrownBy(call::run)
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("must not be null");
        }
        assertThatThrownBy(() -> all.mdc("job", null))
                .hasMessageContaining("mdc value must not be null (for key 'job')");
    }

    @Test
    void rejectsLevelsThatAreNotEventLevels() {
        assertThatThrownBy(() -> LogQuery.all().minLevel(Level.OFF))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "minLevel must be TRACE, DEBUG, INFO, WARN or ERROR, was OFF (a threshold, not an event level)");
        assertThatThrownBy(() -> LogQuery.all().level(Level.toLevel("ALL")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.all().level("WARNING"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("level must be TRACE, DEBUG, INFO, WARN or ERROR, was 'WARNING'");
        assertThatThrownBy(() -> LogQuery.all().minLevel("off")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogQuery.all().minLevel(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was blank");
        assertThat(LogQuery.all().level(" Error ").toString()).contains("level=ERROR");
    }

    @Test
    void rejectsEmptyTextFiltersAndBadLimits() {
        assertThatThrownBy(() -> LogQuery.all().loggerPrefix(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loggerPrefix must not be empty");
        assertThatThrownBy(() -> LogQuery.all().messageContains(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("messageContains must not be empty");
        for (int bad : new int[] {0, -1, LogQuery.MAX_LIMIT + 1, Integer.MIN_VALUE}) {
            assertThatThrownBy(() -> LogQuery.all().limit(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("limit must be between 1 and " + LogQuery.MAX_LIMIT + ", was " + bad);
        }
    }

    @Test
    void rejectsATimeRangeThatEndsBeforeItStarts() {
        assertThatThrownBy(() -> LogQuery.all().from(T0).to(T0.minusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be after");
        assertThatThrownBy(() -> LogQuery.all().to(T0).from(T0.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be after");
        assertThat(LogQuery.all().from(T0).to(T0).toSql().params())
                .containsExactly(T0.toEpochMilli(), T0.toEpochMilli(), LogQuery.DEFAULT_LIMIT);
    }
}
