package dev.sluice.core;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The batch was written except for some events, which the destination refused permanently: the sink knows which
 * ones (a broker that NACKs single messages, a server that answers one command with an error). The pipeline counts
 * the others as delivered and drops only the refused events as {@link DropReason#REJECTED_BY_SINK}, without writing
 * the batch again event by event, which would send the written events twice.
 */
public final class PartialWriteException extends SinkException {

    private static final long serialVersionUID = 1L;

    private final SortedMap<Integer, Throwable> rejected;

    /**
     * @param rejected the refused events' positions in the batch, each with why it was refused; not empty
     */
    public PartialWriteException(String message, Map<Integer, ? extends Throwable> rejected) {
        super(message, rejected.isEmpty() ? null : rejected.values().iterator().next(), false);
        if (rejected.isEmpty()) {
            throw new IllegalArgumentException("a partial write names at least one refused event");
        }
        this.rejected = Collections.unmodifiableSortedMap(new TreeMap<>(rejected));
    }

    /** The refused events' positions in the batch, in order, each with its cause. */
    public SortedMap<Integer, Throwable> rejected() {
        return rejected;
    }
}
