package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import java.util.Optional;

/**
 * Where a dispatcher learns which tenants have a ready destination and with what configuration: the
 * provisioner ({@link ProvisionerDirectory}), or a file or the environment ({@link StaticDestinations}).
 */
public interface DestinationDirectory<C> {

    /** The tenant's destination as it last was READY, or empty. */
    Optional<LaneConfig<C>> lookup(String tenantId);

    /**
     * Whether the tenant has a destination registered at all, READY or not: records of a registered tenant
     * without a READY destination yet are held until it is; only those of an unregistered tenant are skipped.
     */
    default boolean registered(String tenantId) {
        return lookup(tenantId).isPresent();
    }

    /** Completes once the directory knows the destinations; the engine consumes nothing before. */
    default Future<Void> loaded() {
        return Future.succeededFuture();
    }

    /** Parkings and resyncs: kept by the provisioner, or in this process for static destinations. */
    DeliveryControl control();

    default void close() {
    }
}
