package com.subsets.sync.provisioner;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.provisioner.core.IterableFieldPlan;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Iterable as far as the provisioner's erasures need it, until the simulator has {@code POST /api/users/forget} (another
 * branch adds it): {@code getFields} answers the five fields with the types the dispatcher writes (so a destination
 * provisions READY without a write), and {@code /api/users/forget} holds each call to the body Iterable documents
 * (UserRequest: an {@code email} or a {@code userId}, not both; iterable-api-v1.8.swagger.json) and a known Api-Key,
 * records it, and answers as told: 400 with Iterable's words for an identifier it refuses, 429 once for one it
 * throttles, 200 otherwise.
 */
final class ForgetReceiver {

    record Call(String apiKey, String name, String identifier, long atNanos) {
    }

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    final Set<String> throttleOnce = ConcurrentHashMap.newKeySet();
    private final Set<String> apiKeys;
    private final HttpServer server;

    ForgetReceiver(Vertx vertx, Set<String> apiKeys) throws Exception {
        this.apiKeys = apiKeys;
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create());
        router.get("/api/users/getFields").handler(ctx -> {
            if (!known(ctx)) {
                return;
            }
            JsonObject fields = new JsonObject();
            for (DestinationField field : DestinationField.values()) {
                fields.put(field.iterableName(), IterableFieldPlan.expectedType(field));
            }
            json(ctx, 200, new JsonObject().put("fields", fields));
        });
        router.post("/api/users/forget").handler(this::forget);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    int port() {
        return server.actualPort();
    }

    private void forget(RoutingContext ctx) {
        if (!known(ctx)) {
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        boolean oneIdentifier = body != null && body.size() == 1 && (body.getValue("userId") instanceof String u && !u.isEmpty()
                || body.getValue("email") instanceof String e && e.contains("@"));
        if (!oneIdentifier) {
            json(ctx, 400, new JsonObject().put("msg", "Invalid parameters: an email or a userId, not both").put("code", "BadParams"));
            return;
        }
        String name = body.containsKey("userId") ? "userId" : "email";
        String identifier = body.getString(name);
        calls.add(new Call(ctx.request().getHeader("Api-Key"), name, identifier, System.nanoTime()));
        if (refused.contains(identifier)) {
            json(ctx, 400, new JsonObject().put("msg", "User " + identifier + " cannot be forgotten").put("code", "BadParams"));
        } else if (throttleOnce.remove(identifier)) {
            json(ctx, 429, new JsonObject().put("msg", "RateLimitExceeded").put("code", "RateLimitExceeded"));
        } else {
            json(ctx, 200, new JsonObject().put("msg", "").put("code", "Success").put("params", new JsonObject()));
        }
    }

    private boolean known(RoutingContext ctx) {
        if (!apiKeys.contains(ctx.request().getHeader("Api-Key"))) {
            json(ctx, 401, new JsonObject().put("msg", "Invalid API key").put("code", "BadApiKey"));
            return false;
        }
        return true;
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    List<Call> callsOf(String apiKey) {
        return calls.stream().filter(c -> apiKey.equals(c.apiKey())).toList();
    }
}
