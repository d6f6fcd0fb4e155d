package dev.sluice.bench.redis;

/**
 * One measured run of a contestant.
 *
 * @param events events that Redis received (counted there, not by the client)
 * @param eventsPerSecond {@code events} over the time from the first log call until Redis held the last of them; for
 *     the {@code redis-benchmark} limit, the event rate its command rates combine into
 * @param commandsPerEvent commands Redis executed for the contestant, per event (from {@code INFO commandstats})
 * @param serverMicrosPerEvent microseconds Redis spent executing those commands, per event; it leaves out reading
 *     and writing the sockets
 * @param eventsPerBatch events per pipeline: the appender's mean batch, or {@code redis-benchmark}'s {@code -P}; 1
 *     when every event is a round trip of its own
 * @param payloadBytes size of the first event's payload as Redis stored it
 * @param detail what else the round line shows (the limit's command rates), or empty
 */
record Result(
        long events,
        double eventsPerSecond,
        double commandsPerEvent,
        double serverMicrosPerEvent,
        double eventsPerBatch,
        int payloadBytes,
        String detail) {

    static double perSecond(long events, long nanos) {
        return nanos > 0 ? events * 1e9 / nanos : Double.NaN;
    }
}
