package com.subsets.sync.provisioner.core;

import io.vertx.core.json.JsonObject;

/**
 * A validated registration: the settings (stored in the clear and returned by GET), the secret (sealed before
 * it is stored, never returned), and whether its first READY, and a READY revision at
 * another target ({@link DeliveryTarget}), backfill every subscriber ({@code backfill}).
 */
public record Registration(DestinationKind kind, JsonObject settings, JsonObject secret, boolean backfill) {
}
