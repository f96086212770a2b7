package com.subsets.sync.local;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The local stack's APIs as a client calls them: the provisioner's as an operator, ingest's as a platform service. */
final class StackHttp {

    private final LocalStackConfig config;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final EventCodec codec = new EventCodec();

    StackHttp(LocalStackConfig config) {
        this.config = config;
    }

    /** A call to the provisioner's API with the operator's token; {@code body} JSON or null. */
    HttpResponse<String> operator(String method, String path, String body) throws Exception {
        return send(method, config.url(config.provisionerPort()) + path, config.operatorToken(), body);
    }

    /** The operator's call, which must succeed (2xx); its body as JSON (empty when it has none). */
    JsonObject operatorOk(String method, String path, JsonObject body) throws Exception {
        HttpResponse<String> response = operator(method, path, body == null ? null : body.encode());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
    }

    /** A segment lookup with the demo tenant's lookup token. */
    HttpResponse<String> lookup(String path) throws Exception {
        return send("GET", config.url(config.provisionerPort()) + path, config.lookupToken(), null);
    }

    JsonObject status(String tenantId, String kind) throws Exception {
        return operatorOk("GET", "/v1/tenants/" + tenantId + "/destinations/" + kind + "/status", null);
    }

    JsonObject destination(String tenantId, String kind) throws Exception {
        return operatorOk("GET", "/v1/tenants/" + tenantId + "/destinations/" + kind, null);
    }

    /** Posts events to ingest in batches of {@code batch}; returns how many it accepted. */
    int ingest(List<AssignmentEvent> events, int batch) throws Exception {
        int accepted = 0;
        for (int from = 0; from < events.size(); from += batch) {
            StringBuilder body = new StringBuilder("[");
            for (int j = from; j < Math.min(events.size(), from + batch); j++) {
                body.append(j == from ? "" : ",").append(new String(codec.encode(events.get(j)), StandardCharsets.UTF_8));
            }
            HttpResponse<String> response = send("POST", config.url(config.ingestPort()) + "/v1/events", config.ingestToken(),
                    body.append("]").toString());
            if (response.statusCode() != 202) {
                throw new IllegalStateException("ingest answered " + response.statusCode() + ": " + response.body());
            }
            accepted += new JsonObject(response.body()).getJsonArray("eventIds", new JsonArray()).size();
        }
        return accepted;
    }

    private HttpResponse<String> send(String method, String url, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("content-type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
