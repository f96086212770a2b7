package com.subsets.sync.provisioner.vendor;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.provisioner.core.FieldModeSettings;
import com.subsets.sync.provisioner.core.FieldRecord;
import com.subsets.sync.provisioner.core.IterableFieldPlan;
import com.subsets.sync.provisioner.core.ProvisioningFailure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Iterable has no API to create a field: {@code getFields} (which also checks the key) says what exists;
 * the missing fields are created by one write, with values of the right types, to a dedicated probe
 * user, who is deleted right after; a second {@code getFields} verifies. Fields that already exist
 * with the right type are not written at all.
 */
public final class IterableFieldProvisioner implements FieldProvisioner {

    /** The probe user's identifiers: recognisable, and on a reserved domain that never receives mail. */
    static final String PROBE_USER_ID = "subsets-sync-provisioning-probe";
    static final String PROBE_EMAIL = "subsets-sync-provisioning-probe@example.invalid";

    private final WebClient client;
    private final VendorCalls calls;
    private final Function<String, URI> regionUrls;
    private final long timeoutMillis;

    public IterableFieldProvisioner(WebClient client, VendorCalls calls, Function<String, URI> regionUrls, long timeoutMillis) {
        this.client = client;
        this.calls = calls;
        this.regionUrls = regionUrls;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Future<Void> provision(JsonObject settings, JsonObject secret, List<FieldRecord> progress) {
        URI base = regionUrls.apply(settings.getString("region"));
        String apiKey = secret.getString("apiKey");
        boolean byEmail = "email".equals(settings.getString("identifier"));
        FieldModes modes = FieldModeSettings.of(settings);
        return fields(base, apiKey).compose(existing -> {
            IterableFieldPlan plan = IterableFieldPlan.of(existing, modes);
            if (plan.missing().isEmpty()) {
                plan.present().forEach((field, type) -> progress.add(record(field, type, FieldRecord.Action.VERIFIED)));
                return Future.succeededFuture();
            }
            return createByProbe(base, apiKey, byEmail, plan)
                    .compose(v -> deleteProbe(base, apiKey, byEmail))
                    .compose(v -> fields(base, apiKey))
                    .compose(after -> verify(after, plan, progress));
        });
    }

    private Future<Map<String, String>> fields(URI base, String apiKey) {
        return calls.call("Iterable getFields", () -> client.getAbs(base.resolve("/api/users/getFields").toString())
                        .putHeader("Api-Key", apiKey).timeout(timeoutMillis).send(), status -> status == 200)
                .map(response -> {
                    JsonObject fields = response.bodyAsJsonObject().getJsonObject("fields", new JsonObject());
                    Map<String, String> types = new HashMap<>();
                    fields.forEach(e -> types.put(e.getKey(), String.valueOf(e.getValue())));
                    return types;
                });
    }

    private Future<Void> createByProbe(URI base, String apiKey, boolean byEmail, IterableFieldPlan plan) {
        JsonObject user = new JsonObject().put("dataFields", plan.probeDataFields());
        if (byEmail) {
            user.put("email", PROBE_EMAIL);
        } else {
            user.put("userId", PROBE_USER_ID).put("preferUserId", true);
        }
        // createNewFields: the fields are created even in a project that drops unknown fields.
        JsonObject body = new JsonObject().put("users", new JsonArray().add(user)).put("createNewFields", true);
        return calls.call("Iterable bulkUpdate (probe user)", () -> client.postAbs(base.resolve("/api/users/bulkUpdate").toString())
                        .putHeader("Api-Key", apiKey).putHeader("content-type", "application/json").timeout(timeoutMillis)
                        .sendBuffer(Buffer.buffer(body.encode())), status -> status == 200)
                .compose(response -> {
                    JsonObject result = response.bodyAsJsonObject();
                    if (result.getInteger("failCount", 0) > 0 || result.getInteger("successCount", 0) != 1) {
                        return Future.failedFuture(new ProvisioningFailure(false, "Iterable did not write the probe user that "
                                + "creates the fields: " + VendorCalls.clip(result.encode())));
                    }
                    return Future.succeededFuture();
                });
    }

    private Future<Void> deleteProbe(URI base, String apiKey, boolean byEmail) {
        String path = byEmail ? "/api/users/" + URLEncoder.encode(PROBE_EMAIL, StandardCharsets.UTF_8)
                : "/api/users/byUserId/" + PROBE_USER_ID;
        return calls.call("Iterable delete of the probe user", () -> client.deleteAbs(base.resolve(path).toString())
                        .putHeader("Api-Key", apiKey).timeout(timeoutMillis).send(), status -> status == 200 || status == 404)
                .mapEmpty();
    }

    private static Future<Void> verify(Map<String, String> after, IterableFieldPlan plan, List<FieldRecord> progress) {
        for (DestinationField field : DestinationField.values()) {
            String type = after.get(field.iterableName());
            String expected = IterableFieldPlan.expectedType(field, plan.modes().of(field));
            if (type == null || !type.equals(expected)) {
                return Future.failedFuture(new ProvisioningFailure(true, "Iterable's getFields does not show "
                        + field.iterableName() + " as " + expected + " after creating it (shows "
                        + type + ")"));
            }
            progress.add(record(field, type, plan.missing().contains(field) ? FieldRecord.Action.CREATED : FieldRecord.Action.VERIFIED));
        }
        return Future.succeededFuture();
    }

    private static FieldRecord record(DestinationField field, String type, FieldRecord.Action action) {
        return new FieldRecord(field, field.iterableName(), type, action);
    }
}
