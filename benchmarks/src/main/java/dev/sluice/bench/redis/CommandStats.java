package dev.sluice.bench.redis;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code INFO commandstats} says since the last {@code CONFIG RESETSTAT}: calls and microseconds per command.
 * The benchmark's own reads ({@code XLEN}, {@code LLEN}, {@code INFO}, ...) are kept apart from the commands that
 * carry events.
 */
record CommandStats(Map<String, Long> calls, Map<String, Long> micros) {

    /** The commands the contestants send; {@code PING} is the peer's pool testing each connection it lends. */
    static final List<String> WRITES = List.of("publish", "xadd", "expire", "rpush", "ping");

    private static final Pattern LINE = Pattern.compile("^cmdstat_([a-z|_-]+):calls=(\\d+),usec=(\\d+),.*$");

    static CommandStats parse(String info) {
        Map<String, Long> calls = new HashMap<>();
        Map<String, Long> micros = new HashMap<>();
        for (String line : info.split("\r?\n")) {
            Matcher m = LINE.matcher(line.trim());
            if (m.matches()) {
                calls.put(m.group(1), Long.parseLong(m.group(2)));
                micros.put(m.group(1), Long.parseLong(m.group(3)));
            }
        }
        return new CommandStats(Map.copyOf(calls), Map.copyOf(micros));
    }

    long calls(String command) {
        return calls.getOrDefault(command, 0L);
    }

    long micros(String command) {
        return micros.getOrDefault(command, 0L);
    }

    /** Calls of the commands that carry events. */
    long writeCalls() {
        return WRITES.stream().mapToLong(this::calls).sum();
    }

    /** Microseconds spent in the commands that carry events. */
    long writeMicros() {
        return WRITES.stream().mapToLong(this::micros).sum();
    }

    /** For a failure message: every write command and its calls. */
    String writes() {
        StringBuilder out = new StringBuilder();
        for (String command : WRITES) {
            out.append(command).append('=').append(calls(command)).append(' ');
        }
        return out.toString().trim();
    }
}
