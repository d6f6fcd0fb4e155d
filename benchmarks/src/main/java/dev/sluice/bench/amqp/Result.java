package dev.sluice.bench.amqp;

/**
 * One measured run of a contestant.
 *
 * @param events events the broker holds at the end (counted there, not by the client)
 * @param eventsPerSecond {@code events} over the time from the first log call (PerfTest: its producer's start) until
 *     the last of them was confirmed (Sluice) or was in the queues (the peers)
 * @param messages messages the broker holds at the end
 * @param bodyBytes mean body size of those messages
 * @param detail what else the round line shows, or empty
 */
record Result(long events, double eventsPerSecond, long messages, double bodyBytes, String detail) {

    static double perSecond(long events, long nanos) {
        return nanos > 0 ? events * 1e9 / nanos : Double.NaN;
    }

    double eventsPerMessage() {
        return messages > 0 ? (double) events / messages : Double.NaN;
    }
}
