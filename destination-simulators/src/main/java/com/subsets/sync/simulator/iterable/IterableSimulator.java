package com.subsets.sync.simulator.iterable;

import com.subsets.sync.simulator.common.Faults;
import com.subsets.sync.simulator.common.SimulatorServer;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.iterable.IterableErrors.Rejection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An Iterable region (api.iterable.com or api.eu.iterable.com) on a local port: the user endpoints
 * subsets-sync uses, behaving as the vendor documents them (../shared/docs/destinations.md):
 * {@code Api-Key}/{@code Api_Key} auth, 4 MB bodies, per-project rate limits, field types fixed by
 * the first value, per-user outcomes in a 200. Plus, for tests and the local stack, fault injection
 * and inspection under {@code /_sim/iterable}.
 */
public final class IterableSimulator extends SimulatorServer {

    /** Iterable: "request body at most 4 MB". */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    private static final String ADMITTED_AT = "iterable.admittedAt";
    static final String FORGET = "/api/users/forget";

    private final Map<String, IterableProject> byKey = new ConcurrentHashMap<>();
    private final Map<String, IterableProject> byId = new ConcurrentHashMap<>();

    public IterableSimulator(Vertx vertx) {
        super(vertx);
    }

    /** A project reached with {@code apiKey}; bulkUpdate limited to Iterable's 5 requests/s. */
    public IterableProject addProject(String projectId, String apiKey, IterableProject.Identity identity) {
        return addProject(projectId, apiKey, identity, 5);
    }

    /** As above with another bulkUpdate rate (benchmarks measure the dispatcher without the vendor's limit). */
    public IterableProject addProject(String projectId, String apiKey, IterableProject.Identity identity, int bulkPerSecond) {
        IterableProject project = new IterableProject(projectId, apiKey, identity, bulkPerSecond);
        byKey.put(apiKey, project);
        byId.put(projectId, project);
        return project;
    }

    /** Forgets a project, its users and its calls: its key is refused from now on (a benchmark case's cleanup). */
    public void removeProject(String projectId) {
        IterableProject project = byId.remove(projectId);
        if (project != null) {
            byKey.remove(project.apiKey);
        }
    }

    public IterableProject project(String projectId) {
        return byId.get(projectId);
    }

    public Future<IterableSimulator> start(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.post("/api/users/bulkUpdate").handler(ctx -> call(ctx, p -> p.bulkUpdateLimit.tryAcquire(now()),
                (p, body) -> new BulkUpdate(p, p.typeMismatch()).apply(body), body -> body.getJsonArray("users", new JsonArray()).size()));
        router.post("/api/users/update").handler(ctx -> call(ctx, p -> p.updateLimit.tryAcquire(now()),
                this::updateOne, body -> 1));
        router.get("/api/users/getFields").handler(ctx -> call(ctx, p -> p.getFieldsLimit.tryAcquire(now()),
                (p, body) -> new JsonObject().put("fields", new JsonObject(new java.util.LinkedHashMap<>(p.fields()))), body -> 0));
        router.get("/api/users/byUserId/:userId").handler(ctx -> call(ctx, p -> p.getUserLimit.tryAcquire(now()),
                (p, body) -> p.userView(null, ctx.pathParam("userId")), body -> 1));
        router.get("/api/users/getByEmail").handler(ctx -> call(ctx, p -> p.getUserLimit.tryAcquire(now()),
                (p, body) -> {
                    String email = ctx.queryParams().get("email");
                    if (email == null || email.isBlank()) {
                        throw new Rejection(400, "BadParams", "email is required", null);
                    }
                    return p.userView(email, null);
                }, body -> 1));
        router.delete("/api/users/byUserId/:userId").handler(ctx -> call(ctx, p -> p.updateLimit.tryAcquire(now()),
                (p, body) -> deleted(p.delete(null, ctx.pathParam("userId"))), body -> 1));
        router.delete("/api/users/:email").handler(ctx -> call(ctx, p -> p.updateLimit.tryAcquire(now()),
                (p, body) -> deleted(p.delete(ctx.pathParam("email"), null)), body -> 1));
        // GDPR: 3 requests/s and 1,000 per 24 h per project (ForgottenUsers), 429 RateLimitExceeded beyond either.
        router.post(FORGET).handler(ctx -> call(ctx, p -> p.forgotten().admit(now()), Forget::apply, body -> 1));
        router.get("/api/users/forgotten").handler(ctx -> call(ctx, p -> p.forgotten().listLimit.tryAcquire(now()),
                (p, body) -> Forget.hashedEmails(p), body -> 0));
        router.get("/api/users/forgottenUserIds").handler(ctx -> call(ctx, p -> p.forgotten().listLimit.tryAcquire(now()),
                (p, body) -> Forget.hashedUserIds(p), body -> 0));
        router.get("/_sim/iterable/projects/:id").handler(ctx -> inspect(ctx, p -> p.toJson(10_000)));
        router.post("/_sim/iterable/projects/:id/faults").handler(ctx -> inspect(ctx, p -> {
            p.faults().apply(ctx.body().asJsonObject());
            return new JsonObject().put("ok", true);
        }));
        router.post("/_sim/iterable/projects/:id/forget").handler(ctx -> inspect(ctx, p -> {
            p.forget(ctx.body().asJsonObject().getString("identifier"));
            return new JsonObject().put("ok", true);
        }));
        router.errorHandler(413, ctx -> ctx.response().setStatusCode(400).putHeader("content-type", "application/json")
                .end(IterableErrors.body("BatchTooLarge", "Request body exceeds 4 MB", null).encode()));
        return listen(router, host, port).map(this);
    }

    private interface Operation {
        JsonObject run(IterableProject project, JsonObject body);
    }

    private void call(RoutingContext ctx, Function<IterableProject, Boolean> rateLimit, Operation operation,
                      Function<JsonObject, Integer> items) {
        String key = ctx.request().getHeader("Api-Key");
        if (key == null) {
            key = ctx.request().getHeader("Api_Key");
        }
        IterableProject project = key == null ? null : byKey.get(key);
        if (project == null) {
            respond(ctx, null, 401, IterableErrors.body("BadApiKey", "Invalid API key",
                    new JsonObject().put("endpoint", ctx.request().path())), 0);
            return;
        }
        long latency = project.faults().latencyMillis();
        if (latency > 0) {
            vertx.setTimer(latency, t -> handle(ctx, project, rateLimit, operation, items));
        } else {
            handle(ctx, project, rateLimit, operation, items);
        }
    }

    private void handle(RoutingContext ctx, IterableProject project, Function<IterableProject, Boolean> rateLimit,
                        Operation operation, Function<JsonObject, Integer> items) {
        // Calls are recorded at the moment the rate limit judges them, which is what the limit counts.
        ctx.put(ADMITTED_AT, now());
        Faults.Action fault = project.faults().next();
        if (fault == Faults.Action.DROP) {
            project.record(new RecordedCall(now(), ctx.request().method().name(), ctx.request().path(), 0, 0, bodyBytes(ctx), null));
            ctx.request().connection().close();
            return;
        }
        boolean admitted;
        try {
            admitted = fault != Faults.Action.THROTTLE && rateLimit.apply(project);
        } catch (Rejection r) {
            respond(ctx, project, r.status, r.body, 0);
            return;
        }
        if (!admitted) {
            respond(ctx, project, 429, IterableErrors.body("RateLimitExceeded", "Rate limit exceeded", null), 0);
            return;
        }
        int poisoned = ctx.body() == null ? 0 : project.faults().poisonedStatus(ctx.body().asString());
        if (fault == Faults.Action.FAIL || poisoned > 0) {
            int status = poisoned > 0 ? poisoned : project.faults().failStatus();
            respond(ctx, project, status, IterableErrors.body("GenericError", "Internal error", null), 0);
            return;
        }
        if (fault == Faults.Action.GARBLE) {
            project.record(new RecordedCall(now(), ctx.request().method().name(), ctx.request().path(), 200, 0, bodyBytes(ctx), null));
            ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(project.faults().garbledBody());
            return;
        }
        JsonObject body;
        try {
            body = ctx.request().method().name().equals("GET") || ctx.request().method().name().equals("DELETE")
                    ? new JsonObject() : ctx.body().asJsonObject();
            if (body == null) {
                throw IterableErrors.badJson("$", "is required");
            }
        } catch (DecodeException e) {
            respond(ctx, project, 400, IterableErrors.body("BadJsonBody", "Invalid JSON body", null), 0);
            return;
        } catch (Rejection r) {
            respond(ctx, project, r.status, r.body, 0);
            return;
        }
        try {
            respond(ctx, project, 200, operation.run(project, body), items.apply(body));
        } catch (Rejection r) {
            respond(ctx, project, r.status, r.body, items.apply(body));
        } catch (ClassCastException e) {
            respond(ctx, project, 400, IterableErrors.body("BadJsonBody", "Invalid JSON body: " + e.getMessage(), null), 0);
        }
    }

    /** users/update: one user; a type change is always a 400 here, whatever the project does in bulk. */
    private JsonObject updateOne(IterableProject project, JsonObject body) {
        JsonObject result = new BulkUpdate(project, IterableProject.TypeMismatch.REJECT_REQUEST)
                .apply(new JsonObject().put("users", new JsonArray().add(body)));
        if (result.getInteger("failCount") > 0) {
            throw new Rejection(400, "BadParams", "User could not be updated", result.getJsonObject("failedUpdates"));
        }
        return IterableErrors.body("Success", "", null);
    }

    private static JsonObject deleted(boolean found) {
        if (!found) {
            throw new Rejection(404, "NotFound", "User not found", null);
        }
        return IterableErrors.body("Success", "", null);
    }

    private void inspect(RoutingContext ctx, Function<IterableProject, JsonObject> view) {
        IterableProject project = byId.get(ctx.pathParam("id"));
        if (project == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(view.apply(project).encode());
    }

    private static void respond(RoutingContext ctx, IterableProject project, int status, JsonObject body, int items) {
        if (project != null) {
            Long admitted = ctx.get(ADMITTED_AT);
            long at = admitted == null ? now() : admitted;
            project.record(new RecordedCall(at, ctx.request().method().name(), ctx.request().path(), status, items, bodyBytes(ctx), body));
            if (FORGET.equals(ctx.request().path())) {
                JsonObject asked = requestObject(ctx);
                project.forgotten().record(new ForgottenUsers.Call(at, text(asked, "email"), text(asked, "userId"), status,
                        body.getString("code")));
            }
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
    }

    /** The request's JSON object, or an empty one when it has none or is not one. */
    private static JsonObject requestObject(RoutingContext ctx) {
        try {
            return ctx.body() == null || ctx.body().buffer() == null ? new JsonObject() : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject();
        }
    }

    private static String text(JsonObject json, String name) {
        return json != null && json.getValue(name) instanceof String value ? value : null;
    }

    private static int bodyBytes(RoutingContext ctx) {
        return ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().length();
    }

    private static long now() {
        return System.currentTimeMillis();
    }
}
