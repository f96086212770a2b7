package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of the replays (and test deliveries) {@link Resyncs} is about to start, read once from the control plane
 * ({@link DeliveryControl#subscribersOf}) when the queue first lets each start, not while it waits: a waiting replay
 * holds none. Used on the engine's event loop only.
 */
final class ReplayKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayKeys.class);

    private final DeliveryControl control;
    /** Being read or read, by resync id, until taken. */
    private final Map<Long, Future<Set<String>>> named = new HashMap<>();

    ReplayKeys(DeliveryControl control) {
        this.control = control;
    }

    /** Forgets the keys of resyncs no longer asked for. */
    void retain(Collection<Long> wanted) {
        named.keySet().retainAll(wanted);
    }

    /**
     * Whether every job that names subscribers has its keys in; starts reading those missing. A job whose keys could
     * not be read is handed to {@code failed} (to be tried again later) and forgotten here.
     */
    boolean read(List<DeliveryControl.ResyncJob> jobs, Consumer<DeliveryControl.ResyncJob> failed) {
        boolean read = true;
        for (DeliveryControl.ResyncJob job : jobs) {
            if (job.subscriberCount() == null) {
                continue;
            }
            Future<Set<String>> keys = named.computeIfAbsent(job.id(), id -> control.subscribersOf(job));
            if (!keys.isComplete()) {
                read = false;
            } else if (keys.failed()) {
                named.remove(job.id());
                LOG.warn("resync {} of tenant {}: its subscribers could not be read: {}", job.id(), job.tenantId(),
                        keys.cause().toString());
                failed.accept(job);
                read = false;
            }
        }
        return read;
    }

    /** The keys read for the job (null: it names none, it sends every subscriber), handed over once. */
    Set<String> take(DeliveryControl.ResyncJob job) {
        Future<Set<String>> keys = named.remove(job.id());
        return keys == null ? null : keys.result();
    }
}
