package com.subsets.sync.simulator.provisioner;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The provisioner's side of the dispatch API for a dispatcher under test ({@code <PREFIX>PROVISIONER_URL}), with none of
 * the provisioner: {@code GET /v1/dispatch/{kind}/destinations} answers the destinations given and the resyncs asked
 * for; {@code POST .../resyncs/{id}} takes a resync's progress (a resync reported done is no longer asked for);
 * parkings are acknowledged and forgotten. For tests of what a dispatcher does on a resync.
 */
public final class DispatchControlSimulator implements AutoCloseable {

    public static final String TOKEN = "simulated-dispatcher-token";

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final JsonObject destinations = new JsonObject();
    private final Map<Long, JsonObject> resyncs = new LinkedHashMap<>();
    private final List<JsonObject> progress = new ArrayList<>();

    public DispatchControlSimulator() throws Exception {
        server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            if (!("Bearer " + TOKEN).equals(request.getHeader("authorization"))) {
                request.response().setStatusCode(401).end();
                return;
            }
            String path = request.path();
            if (request.method().name().equals("GET") && path.endsWith("/destinations")) {
                request.response().putHeader("content-type", "application/json").end(answer().encode());
            } else if (request.method().name().equals("POST") && path.contains("/resyncs/")) {
                long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
                JsonObject report = body.length() == 0 ? new JsonObject() : body.toJsonObject();
                synchronized (this) {
                    progress.add(report.copy().put("id", id));
                    if (report.getBoolean("done", false)) {
                        resyncs.remove(id);
                    } else if (resyncs.containsKey(id) && report.containsKey("position")) {
                        resyncs.get(id).put("position", report.getLong("position")).put("endOffset", report.getLong("endOffset"))
                                .put("total", report.getLong("total")).put("sent", report.getLong("sent"));
                    }
                }
                request.response().setStatusCode(204).end();
            } else {
                request.response().setStatusCode(204).end();
            }
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    /** The URL to give as {@code <PREFIX>PROVISIONER_URL} (with {@code <PREFIX>PROVISIONER_ALLOW_PLAINTEXT=true}). */
    public String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The tenant's destination entry, as the provisioner's directory answer carries it. */
    public synchronized DispatchControlSimulator destination(String tenantId, JsonObject entry) {
        destinations.put(tenantId, entry);
        return this;
    }

    /** Asks for a resync of every subscriber of the tenant from {@code fromOffset} of its state-topic partition. */
    public synchronized void resync(long id, String tenantId, long fromOffset) {
        resyncs.put(id, new JsonObject().put("id", id).put("tenantId", tenantId).put("fromOffset", fromOffset).put("sent", 0));
    }

    /** True once the dispatcher reported the resync done. */
    public synchronized boolean done(long id) {
        return progress.stream().anyMatch(p -> p.getLong("id") == id && p.getBoolean("done", false));
    }

    private synchronized JsonObject answer() {
        return new JsonObject().put("destinations", destinations.copy())
                .put("registered", new JsonArray(new ArrayList<>(destinations.fieldNames())))
                .put("parked", new JsonObject())
                .put("resyncs", new JsonArray(resyncs.values().stream().map(JsonObject::copy).toList()));
    }

    @Override
    public void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }
}
