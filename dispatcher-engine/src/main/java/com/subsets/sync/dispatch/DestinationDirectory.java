package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where a dispatcher learns which tenants have a ready destination and with what configuration: the
 * provisioner ({@link ProvisionerDirectory}), or a file or the environment ({@link StaticDestinations}).
 */
public interface DestinationDirectory<C> {

    /** The tenant's READY destination, or empty: its records are skipped and counted, not retried. */
    Optional<LaneConfig<C>> lookup(String tenantId);

    /** Completes once the directory knows the destinations; the engine consumes nothing before. */
    default Future<Void> loaded() {
        return Future.succeededFuture();
    }

    default void close() {
    }
}
