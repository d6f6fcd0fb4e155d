package dev.sluice.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Beyond its bound the registry forgets idle workers, least recently seen first, and never a connected one. */
class WorkerStatesTest {

    private static WorkerIdentity worker(int n) {
        return new WorkerIdentity(n, 1, "w" + n);
    }

    @Test
    void forgetsTheLeastRecentlySeenIdleWorkersAndKeepsConnectedOnes() {
        WorkerStates states = new WorkerStates(3);
        WorkerState connected = states.of(worker(1));
        connected.connected(dummyConnection());
        WorkerState second = states.of(worker(2));
        states.of(worker(3));
        assertThat(states.of(worker(2))).isSameAs(second); // seen again: now the most recent
        states.of(worker(4)); // over the bound: worker 3 (idle, least recent after 1, which is connected) goes

        assertThat(states.size()).isEqualTo(3);
        assertThat(states.of(worker(1))).isSameAs(connected);
        assertThat(states.of(worker(2))).isSameAs(second);
    }

    private static RelayConnection dummyConnection() {
        return new RelayConnection(null, null, "test", 0);
    }
}
