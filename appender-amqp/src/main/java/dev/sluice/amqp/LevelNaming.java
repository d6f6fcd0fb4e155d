package dev.sluice.amqp;

import ch.qos.logback.classic.Level;
import dev.sluice.core.json.PythonLevel;
import java.util.List;
import java.util.Locale;

/** How a level is named in routing keys and queue names: Logback's names, or Python's for LogHive's consumers. */
enum LevelNaming {
    /** {@code trace}, {@code debug}, {@code info}, {@code warn}, {@code error}. */
    LOGBACK(List.of("trace", "debug", "info", "warn", "error")),
    /** {@code debug} (TRACE too), {@code info}, {@code warning}, {@code error}: LogHive's queue names. */
    PYTHON(List.of("debug", "info", "warning", "error"));

    private final List<String> names;

    LevelNaming(List<String> names) {
        this.names = names;
    }

    /** Every name this naming gives, lowest level first: a queue is declared for each. */
    List<String> names() {
        return names;
    }

    String name(Level level) {
        String upper = this == PYTHON ? PythonLevel.of(level) : level.toString();
        return upper.toLowerCase(Locale.ROOT);
    }
}
