package dev.sluice.redis;

/**
 * How a batch reaches Redis: as one Lua script call per batch ({@code EVALSHA}, the default, which a Redis Cluster
 * cannot take because a script's keys must share a slot) or as a pipeline of one command per channel and event.
 */
enum BatchCommand {
    SCRIPT,
    PIPELINE
}
