package dev.sluice.redis;

/** Where each event goes: PUBLISH to its channels, XADD to their streams, or both. */
enum RedisTarget {
    PUBLISH,
    STREAM,
    BOTH;

    boolean publishes() {
        return this != STREAM;
    }

    boolean streams() {
        return this != PUBLISH;
    }
}
