package com.subsets.sync.provisioner.core;

import io.vertx.core.json.JsonObject;

/**
 * A validated registration: the settings (stored in the clear and returned by GET) and the secret
 * (sealed before it is stored, never returned).
 */
public record Registration(DestinationKind kind, JsonObject settings, JsonObject secret) {
}
