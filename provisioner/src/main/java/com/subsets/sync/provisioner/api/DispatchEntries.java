package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.IterableEndpoints;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ErasureSetting;
import com.subsets.sync.provisioner.core.FieldModeSettings;
import io.vertx.core.json.JsonObject;

/**
 * A READY revision as a dispatcher reads it: the same entry its static configuration takes
 * (so one reader validates both), with the credentials opened, Iterable's region resolved to a URL, and every
 * field's write mode ({@code "fields"}, set_or_clear for a revision stored before there were modes) and how it carries
 * out an erasure ({@code "erasure"}: clear or forget, the destination's own setting, whatever its revision).
 */
final class DispatchEntries {

    private final IterableEndpoints iterableEndpoints;

    DispatchEntries(IterableEndpoints iterableEndpoints) {
        this.iterableEndpoints = iterableEndpoints;
    }

    JsonObject entry(String tenantId, DestinationKind kind, JsonObject settings, JsonObject secret, String erasure) {
        return switch (kind) {
            case ITERABLE -> new JsonObject()
                    // Tenants naming one project share its rate budget. Without a projectId the tenant stands for its
                    // project: a rotated key must not look like another project (two budgets spent on one).
                    .put("projectId", settings.getString("projectId", "tenant-" + tenantId))
                    .put("apiKey", secret.getString("apiKey"))
                    .put("baseUrl", iterableEndpoints.url(settings.getString("region")).toString())
                    .put("identifier", settings.getString("identifier"))
                    .put("preferUserId", settings.getBoolean("preferUserId"))
                    .put("fields", FieldModeSettings.toWire(FieldModeSettings.of(settings)))
                    .put(ErasureSetting.KEY, erasure);
            case BLUECONIC -> settings.copy().put("clientSecret", secret.getString("clientSecret"))
                    .put("fields", FieldModeSettings.toWire(FieldModeSettings.of(settings)))
                    .put(ErasureSetting.KEY, erasure);
        };
    }
}
