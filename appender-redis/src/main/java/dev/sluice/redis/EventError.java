package dev.sluice.redis;

/**
 * An error reply Redis gave to one command of a batch.
 *
 * @param event the event's index in the batch, or {@link #BATCH} for a command of the batch as a whole (an EXPIRE, a
 *     script call that failed before it ran)
 * @param error the error reply, such as {@code WRONGTYPE Operation against a key holding the wrong kind of value}
 */
record EventError(int event, String error) {

    /** The {@link #event} of an error that belongs to no single event. */
    static final int BATCH = -1;
}
