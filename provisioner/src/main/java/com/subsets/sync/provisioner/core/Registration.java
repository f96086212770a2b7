package com.subsets.sync.provisioner.core;

import com.subsets.sync.provisioner.notifications.NotificationSettings;
import io.vertx.core.json.JsonObject;

/**
 * A validated registration: the settings (stored in the clear and returned by GET), the secret (sealed before
 * it is stored, never returned), and whether its first READY, and a READY revision at
 * another target ({@link DeliveryTarget}), backfill every subscriber ({@code backfill}); whom its health changes are told
 * ({@code notifications}, null: nobody), kept apart from the settings: changing it provisions nothing again.
 */
public record Registration(DestinationKind kind, JsonObject settings, JsonObject secret, boolean backfill,
                           NotificationSettings notifications) {

    public Registration(DestinationKind kind, JsonObject settings, JsonObject secret, boolean backfill) {
        this(kind, settings, secret, backfill, null);
    }
}
