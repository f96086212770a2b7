package com.subsets.sync.provisioner.vendor;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.client.blueconic.TokenProvider;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.provisioner.core.BlueConicPropertyPlan;
import com.subsets.sync.provisioner.core.FieldRecord;
import com.subsets.sync.provisioner.core.ProvisioningFailure;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.List;

/**
 * BlueConic: a client-credentials token (which checks the credentials), then for each field read
 * {@code GET /profileProperties/{id}}; absent (404) it is created with the full definition, different
 * it is repaired by a PUT of the merged definition, as needed it is left alone. One field at a time:
 * five small calls, well inside BlueConic's concurrency limit.
 */
public final class BlueConicFieldProvisioner implements FieldProvisioner {

    private final WebClient client;
    private final TokenProvider tokens;
    private final VendorCalls calls;
    private final long timeoutMillis;

    public BlueConicFieldProvisioner(WebClient client, TokenProvider tokens, VendorCalls calls, long timeoutMillis) {
        this.client = client;
        this.tokens = tokens;
        this.calls = calls;
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Future<Void> provision(JsonObject settings, JsonObject secret, List<FieldRecord> progress) {
        BlueConicCredentials credentials = new BlueConicCredentials(URI.create(settings.getString("instanceUrl")),
                settings.getString("clientId"), secret.getString("clientSecret"));
        // A token fetched now checks these very credentials; the fields then reuse it (cached under them).
        Future<Void> chain = token(tokens.freshToken(credentials)).mapEmpty();
        for (DestinationField field : DestinationField.values()) {
            chain = chain.compose(v -> token(tokens.token(credentials))).compose(token -> property(credentials, token, field))
                    .map(record -> {
                        progress.add(record);
                        return null;
                    });
        }
        // Followed segments are never checked here: one BlueConic does not have (a typo, or deleted since) is reported
        // on the segment by the segment reader, and never fails the delivery destination.
        return chain;
    }

    private static Future<String> token(Future<String> fetched) {
        return fetched.recover(e -> {
            if (e instanceof TokenProvider.TokenException refused) {
                return Future.failedFuture(new ProvisioningFailure(!refused.credentialsRefused(),
                        "BlueConic's token endpoint " + (refused.credentialsRefused() ? "refused the client credentials: " : "failed: ")
                                + refused.getMessage()));
            }
            return Future.failedFuture(new ProvisioningFailure(true, "BlueConic's token endpoint is unreachable: " + e));
        });
    }

    private Future<FieldRecord> property(BlueConicCredentials credentials, String token, DestinationField field) {
        String url = credentials.instanceUrl().resolve("/rest/v2/profileProperties/" + field.blueConicId()).toString();
        return calls.call("BlueConic GET profileProperties/" + field.blueConicId(),
                        () -> client.getAbs(url).bearerTokenAuthentication(token).timeout(timeoutMillis).send(),
                        status -> status == 200 || status == 404)
                .compose(response -> {
                    if (response.statusCode() == 404) {
                        return put(url, token, field, BlueConicPropertyPlan.desired(field), FieldRecord.Action.CREATED);
                    }
                    JsonObject existing = response.bodyAsJsonObject();
                    JsonObject repaired = BlueConicPropertyPlan.repair(field, existing);
                    return repaired == null
                            ? Future.succeededFuture(new FieldRecord(field, field.blueConicId(), existing.getString("filterType"),
                                    FieldRecord.Action.VERIFIED))
                            : put(url, token, field, repaired, FieldRecord.Action.UPDATED);
                });
    }

    private Future<FieldRecord> put(String url, String token, DestinationField field, JsonObject definition,
                                    FieldRecord.Action action) {
        return calls.call("BlueConic PUT profileProperties/" + field.blueConicId(),
                        () -> client.putAbs(url).bearerTokenAuthentication(token).timeout(timeoutMillis)
                                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(definition.encode())),
                        status -> status == 200 || status == 201)
                .map((HttpResponse<Buffer> response) -> new FieldRecord(field, field.blueConicId(),
                        definition.getString("filterType"), action));
    }
}
