package dev.sluice.queue;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The server's {@link WorkerState}s by identity, bounded: beyond {@code max} identities, the least recently seen
 * ones without a connection are forgotten, so that a flood of short-lived (or hostile) workers cannot grow the heap.
 * A forgotten worker that reconnects later starts a new state: events it resends may then be dispatched twice, which
 * at-least-once allows.
 */
final class WorkerStates {

    private final int max;
    private final LinkedHashMap<WorkerIdentity, WorkerState> states = new LinkedHashMap<>(64, 0.75f, true);

    WorkerStates(int max) {
        this.max = max;
    }

    synchronized WorkerState of(WorkerIdentity identity) {
        WorkerState state = states.computeIfAbsent(identity, key -> new WorkerState());
        if (states.size() > max) {
            forgetIdle();
        }
        return state;
    }

    private void forgetIdle() {
        for (Iterator<Map.Entry<WorkerIdentity, WorkerState>> it =
                        states.entrySet().iterator();
                it.hasNext() && states.size() > max; ) {
            if (it.next().getValue().latest() == null) {
                it.remove();
            }
        }
    }

    synchronized int size() {
        return states.size();
    }
}
