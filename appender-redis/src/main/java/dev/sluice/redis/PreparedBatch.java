package dev.sluice.redis;

/**
 * A batch as the writers send it: each event's payload and its context channel (null when it has none), so that
 * either writer, and a fallback from one to the other, uses what was computed once.
 */
record PreparedBatch(byte[][] payloads, String[] contextChannels) {

    int size() {
        return payloads.length;
    }
}
