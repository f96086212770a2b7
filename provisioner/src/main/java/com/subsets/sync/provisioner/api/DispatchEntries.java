package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.IterableEndpoints;
import com.subsets.sync.provisioner.store.StoredDestination;
import io.vertx.core.json.JsonObject;

/**
 * A READY destination as a dispatcher reads it: the same entry its static configuration takes
 * (so one reader validates both), with the credentials opened and Iterable's region resolved to a URL.
 */
final class DispatchEntries {

    private final IterableEndpoints iterableEndpoints;

    DispatchEntries(IterableEndpoints iterableEndpoints) {
        this.iterableEndpoints = iterableEndpoints;
    }

    JsonObject entry(StoredDestination destination, JsonObject secret) {
        JsonObject settings = destination.settings();
        return switch (destination.kind()) {
            case ITERABLE -> new JsonObject()
                    // Tenants sharing a project share its rate budget; without an id, the key stands for the project.
                    .put("projectId", settings.getString("projectId", "key-" + destination.fingerprint().substring("sha256:".length())))
                    .put("apiKey", secret.getString("apiKey"))
                    .put("baseUrl", iterableEndpoints.url(settings.getString("region")).toString())
                    .put("identifier", settings.getString("identifier"))
                    .put("preferUserId", settings.getBoolean("preferUserId"));
            case BLUECONIC -> settings.copy().put("clientSecret", secret.getString("clientSecret"));
        };
    }
}
