package com.subsets.sync.dispatch.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The resyncs that ended on this replica (done, or no longer known to the control plane), the newest {@code capacity}:
 * a directory answer older than a resync's end still lists it, and it must not start again and report into the void.
 */
public final class FinishedResyncs {

    private final Map<Long, Boolean> ids;

    public FinishedResyncs(int capacity) {
        this.ids = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The resync ended here. */
    public void end(long id) {
        ids.put(id, true);
    }

    public boolean has(long id) {
        return ids.containsKey(id);
    }
}
