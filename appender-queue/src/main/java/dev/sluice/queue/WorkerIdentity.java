package dev.sluice.queue;

/** One worker JVM: its process id, its start time and its name; the key of the server's de-duplication. */
record WorkerIdentity(long pid, long start, String name) {}
