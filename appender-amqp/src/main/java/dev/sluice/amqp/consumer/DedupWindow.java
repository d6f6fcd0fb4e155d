package dev.sluice.amqp.consumer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last {@code capacity} messages whose events were stored, so a copy that arrives again (a producer
 * republishing after a lost confirm, a redelivery after a lost ack) is skipped. Shared by the workers; thread-safe.
 */
final class DedupWindow {

    private final Map<String, Boolean> ids;

    DedupWindow(int capacity) {
        this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean contains(String id) {
        return id != null && ids.containsKey(id);
    }

    synchronized void add(String id) {
        if (id != null) {
            ids.put(id, Boolean.TRUE);
        }
    }
}
