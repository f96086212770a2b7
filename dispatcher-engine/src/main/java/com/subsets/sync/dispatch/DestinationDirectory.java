package com.subsets.sync.dispatch;

import java.util.Optional;

/**
 * Where a dispatcher learns which tenants have a ready destination and with what configuration. Until
 * the provisioner serves it, a file or the environment fills it ({@code StaticDestinationDirectory}).
 */
public interface DestinationDirectory<C> {

    /** The tenant's READY destination, or empty: its records are skipped and counted, not retried. */
    Optional<LaneConfig<C>> lookup(String tenantId);
}
