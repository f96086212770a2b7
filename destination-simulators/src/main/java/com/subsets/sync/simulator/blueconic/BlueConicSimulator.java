package com.subsets.sync.simulator.blueconic;

import com.subsets.sync.simulator.common.Faults;
import com.subsets.sync.simulator.common.SimulatorServer;
import com.subsets.sync.simulator.common.RecordedCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * BlueConic tenants' REST API v2 on a local port (../shared/docs/destinations.md): OAuth 2.0 client
 * credentials with expiring tokens, the bulk profiles endpoint, and profile properties. Plus, for
 * tests and the local stack, fault injection and inspection under {@code /_sim/blueconic}.
 * Each tenant is found by its OAuth client id, then by the bearer tokens issued to it.
 */
public final class BlueConicSimulator extends SimulatorServer {

    private static final String BASE = "/rest/v2";
    private static final String UNAUTHORIZED = "Unauthorized: missing, unknown or expired token";
    private final Map<String, BlueConicTenant> byClientId = new ConcurrentHashMap<>();
    private final Map<String, BlueConicTenant> byName = new ConcurrentHashMap<>();

    public BlueConicSimulator(Vertx vertx) {
        super(vertx);
    }

    public BlueConicTenant addTenant(String name, String clientId, String clientSecret) {
        BlueConicTenant tenant = new BlueConicTenant(name, clientId, clientSecret);
        byClientId.put(clientId, tenant);
        byName.put(name, tenant);
        return tenant;
    }

    /**
     * Another OAuth application on an existing instance (brands of one publisher sharing one BlueConic):
     * its tokens reach the same profiles and count against the same concurrency limit.
     */
    public BlueConicTenant addApplication(String tenantName, String clientId, String clientSecret) {
        BlueConicTenant tenant = byName.get(tenantName);
        tenant.addApplication(clientId, clientSecret);
        byClientId.put(clientId, tenant);
        return tenant;
    }

    public BlueConicTenant tenant(String name) {
        return byName.get(name);
    }

    /** Thrown by request processing; answered with BlueConic's 400 shape {code, message, errors[{field, message}]}. */
    static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String field;

        Rejection(int status, String message, String field) {
            super(message, null, false, false);
            this.status = status;
            this.field = field;
        }

        JsonObject body() {
            return new JsonObject().put("code", status).put("message", getMessage())
                    .put("errors", new JsonArray().add(new JsonObject().put("field", field).put("message", getMessage())));
        }
    }

    public Future<BlueConicSimulator> start(String host, int port) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(64L * 1024 * 1024));
        router.post(BASE + "/oauth/token").handler(this::token);
        router.put(BASE + "/profiles").handler(ctx -> authorized(ctx, this::bulk));
        router.get(BASE + "/profileProperties/:id").handler(ctx -> authorized(ctx, (tenant, c) -> {
            JsonObject definition = tenant.propertyDefinition(c.pathParam("id"));
            if (definition == null) {
                throw new Rejection(404, "property not found: " + c.pathParam("id"), "propertyId");
            }
            return reply(200, definition);
        }));
        router.put(BASE + "/profileProperties/:id").handler(ctx -> authorized(ctx, this::putProperty));
        router.get(BASE + "/profileProperties").handler(ctx -> authorized(ctx, (tenant, c) -> {
            JsonArray list = new JsonArray();
            synchronized (tenant) {
                tenant.properties.values().forEach(p -> list.add(p.copy()));
            }
            return reply(200, new JsonObject().put("startIndex", 0).put("itemsPerPage", list.size()).put("totalPages", 1)
                    .put("totalResults", list.size()).put("profileProperties", list));
        }));
        router.get(BASE + "/profiles").handler(ctx -> authorized(ctx, this::searchProfiles));
        router.get(BASE + "/profiles/:profileId").handler(ctx -> authorized(ctx, this::oneProfile));
        router.get(BASE + "/segments").handler(ctx -> authorized(ctx, this::segments));
        router.get(BASE + "/segments/:segment/profiles").handler(ctx -> authorized(ctx, this::segmentProfiles));
        router.get("/_sim/blueconic/tenants/:name").handler(ctx -> inspect(ctx, t -> t.toJson()));
        router.post("/_sim/blueconic/tenants/:name/faults").handler(ctx -> inspect(ctx, t -> {
            t.faults().apply(ctx.body().asJsonObject());
            return new JsonObject().put("ok", true);
        }));
        router.post("/_sim/blueconic/tenants/:name/expireTokens").handler(ctx -> inspect(ctx, t -> {
            t.expireTokens();
            return new JsonObject().put("ok", true);
        }));
        return listen(router, host, port).map(this);
    }

    /**
     * {@code GET /profiles?property=&value=} (searchProfiles): the ids of the profiles whose indexed (unique) property
     * holds the value, every pair given having to match; 400 without a pair, 501 for a property that is not indexed.
     */
    private Reply searchProfiles(BlueConicTenant tenant, RoutingContext ctx) {
        List<String> properties = ctx.queryParam("property");
        List<String> values = ctx.queryParam("value");
        if (properties.isEmpty() || properties.size() != values.size()) {
            return reply(400, new JsonObject().put("code", 400).put("message", "property and value are required, as pairs"));
        }
        java.util.Set<String> found = null;
        synchronized (tenant) {
            for (int i = 0; i < properties.size(); i++) {
                JsonObject definition = tenant.propertyDefinition(properties.get(i));
                if (definition == null || !definition.getBoolean("indexed", false)) {
                    return reply(501, new JsonObject().put("code", 501).put("message",
                            "The specified property is not classified as indexed (unique): " + properties.get(i)));
                }
                String id = tenant.findProfile(properties.get(i), values.get(i));
                java.util.Set<String> these = id == null ? java.util.Set.of() : java.util.Set.of(id);
                found = found == null ? new java.util.HashSet<>(these) : found;
                found.retainAll(these);
            }
        }
        JsonArray profiles = new JsonArray();
        found.forEach(id -> profiles.add(new JsonObject().put("id", id)));
        return reply(200, new JsonObject().put("profiles", profiles).put("itemsPerPage", Math.max(5, profiles.size()))
                .put("startIndex", 0).put("totalPages", profiles.isEmpty() ? 0 : 1).put("totalResults", profiles.size()));
    }

    /** {@code GET /profiles/{profileId}} (getOneProfile), only the {@code profileProperty} values asked for when given. */
    private Reply oneProfile(BlueConicTenant tenant, RoutingContext ctx) {
        String id = ctx.pathParam("profileId");
        Map<String, List<String>> profile = tenant.profile(id);
        if (profile == null) {
            return reply(404, new JsonObject().put("code", 404).put("message", "Profile not found: " + id));
        }
        List<String> only = ctx.queryParam("profileProperty");
        JsonArray properties = new JsonArray();
        new java.util.TreeMap<>(profile).forEach((property, values) -> {
            if ((only.isEmpty() || only.contains(property)) && !values.isEmpty()) {
                properties.add(new JsonObject().put("id", property).put("values", new JsonArray(values)));
            }
        });
        return reply(200, new JsonObject().put("id", id).put("properties", properties));
    }

    private Reply segments(BlueConicTenant tenant, RoutingContext ctx) {
        int startIndex = intParam(ctx, "startIndex", 0, 0, Integer.MAX_VALUE);
        int count = intParam(ctx, "count", 10, 0, Integer.MAX_VALUE);
        return reply(200, tenant.segments().list(ctx.queryParams().get("filterTag"), startIndex, count));
    }

    /** The document: {@code cursor} ("*" or a page's {@code nextCursor}), {@code count} (at most 1,000,000), {@code properties}. */
    private Reply segmentProfiles(BlueConicTenant tenant, RoutingContext ctx) {
        String id = ctx.pathParam("segment");
        if (!tenant.segments().exists(id)) {
            return reply(404, new JsonObject().put("code", 404).put("message", "Segment not found: " + id));
        }
        int count = intParam(ctx, "count", 20, 1, 1_000_000);
        String cursor = ctx.queryParams().get("cursor");
        int fault = tenant.segments().pageFault(cursor == null || cursor.equals("*"));
        if (fault != 0) {
            return reply(fault, fault == 503 ? null : new JsonObject().put("code", fault).put("message", "injected fault"));
        }
        BlueConicSegments.Page page = tenant.segments().page(id, cursor, count);
        String wanted = ctx.queryParams().get("properties");
        java.util.Set<String> only = wanted == null ? null : java.util.Set.of(wanted.split(","));
        JsonArray profiles = new JsonArray();
        for (String profileId : page.profileIds()) {
            java.util.Map<String, java.util.List<String>> values = tenant.profile(profileId);
            JsonArray properties = new JsonArray();
            if (values != null) {
                values.forEach((property, list) -> {
                    if (only == null || only.contains(property)) {
                        properties.add(new JsonObject().put("id", property).put("values", new JsonArray(list)));
                    }
                });
            }
            profiles.add(new JsonObject().put("id", profileId).put("properties", properties));
        }
        JsonObject body = new JsonObject().put("cursor", cursor == null ? "*" : cursor).put("itemsPerPage", count)
                .put("totalPages", (page.total() + count - 1) / count).put("totalResults", page.total()).put("profiles", profiles);
        if (page.nextCursor() != null) {
            body.put("nextCursor", page.nextCursor());
        }
        return reply(200, body);
    }

    private static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
        String value = ctx.queryParams().get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new Rejection(400, name + " must be from " + min + " to " + max, name);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new Rejection(400, name + " must be an integer", name);
        }
    }

    /** Client credentials in the form body (as the vendor documents) or in HTTP Basic. */
    private void token(RoutingContext ctx) {
        String grant = ctx.request().getFormAttribute("grant_type");
        String clientId = ctx.request().getFormAttribute("client_id");
        String secret = ctx.request().getFormAttribute("client_secret");
        String basic = ctx.request().getHeader("authorization");
        if (clientId == null && basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            String[] pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8).split(":", 2);
            clientId = pair[0];
            secret = pair.length > 1 ? pair[1] : null;
        }
        BlueConicTenant tenant = clientId == null ? null : byClientId.get(clientId);
        if (!"client_credentials".equals(grant)) {
            send(ctx, tenant, 400, new JsonObject().put("error", "unsupported_grant_type")
                    .put("error_description", "Only client_credentials is supported for this client"));
        } else if (tenant == null || !tenant.secretMatches(clientId, secret)) {
            send(ctx, tenant, 401, new JsonObject().put("error", "invalid_client").put("error_description", "Client authentication failed"));
        } else {
            send(ctx, tenant, 200, tenant.issueToken(System.currentTimeMillis(), clientId));
        }
    }

    private record Reply(int status, Object body) {
    }

    private static Reply reply(int status, Object body) {
        return new Reply(status, body);
    }

    /**
     * A bearer token no tenant issued is refused at once. One a tenant issued counts against its
     * application's concurrency limit ("too many requests are sent concurrently") for the whole request, injected
     * latency included, and is checked for expiry after that latency: a slow vendor is slow to refuse too,
     * so requests sent together with a revoked token are refused together, as in a 401 storm.
     */
    private void authorized(RoutingContext ctx, BiFunction<BlueConicTenant, RoutingContext, Reply> operation) {
        String header = ctx.request().getHeader("authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        BlueConicTenant tenant = token == null ? null : byClientId.values().stream()
                .filter(t -> t.issued(token)).findFirst().orElse(null);
        if (tenant == null) {
            send(ctx, null, 401, new JsonObject().put("code", 401).put("message", UNAUTHORIZED));
            return;
        }
        java.util.concurrent.atomic.AtomicInteger underWay = tenant.concurrentRequests(token);
        if (underWay.incrementAndGet() > tenant.maxConcurrentRequests()) {
            underWay.decrementAndGet();
            send(ctx, tenant, 429, null);
            return;
        }
        long latency = tenant.faults().latencyMillis();
        if (latency > 0) {
            vertx.setTimer(latency, t -> handle(ctx, tenant, token, operation, underWay));
        } else {
            handle(ctx, tenant, token, operation, underWay);
        }
    }

    private void handle(RoutingContext ctx, BlueConicTenant tenant, String token,
                        BiFunction<BlueConicTenant, RoutingContext, Reply> operation, java.util.concurrent.atomic.AtomicInteger underWay) {
        try {
            if (tenant.tokenValid(token, System.currentTimeMillis())) {
                respond(ctx, tenant, operation);
            } else {
                send(ctx, tenant, 401, new JsonObject().put("code", 401).put("message", UNAUTHORIZED));
            }
        } finally {
            underWay.decrementAndGet();
        }
    }

    private void respond(RoutingContext ctx, BlueConicTenant tenant, BiFunction<BlueConicTenant, RoutingContext, Reply> operation) {
        Faults.Action fault = tenant.faults().next();
        switch (fault) {
            case DROP -> {
                tenant.record(new RecordedCall(System.currentTimeMillis(), ctx.request().method().name(), ctx.request().path(), 0, 0, 0, null));
                ctx.request().connection().close();
                return;
            }
            case THROTTLE -> {
                send(ctx, tenant, 429, null);
                return;
            }
            case GARBLE -> {
                tenant.record(new RecordedCall(System.currentTimeMillis(), ctx.request().method().name(), ctx.request().path(),
                        200, 0, ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().length(), null));
                ctx.response().setStatusCode(200).putHeader("content-type", "application/json").end(tenant.faults().garbledBody());
                return;
            }
            case FAIL -> {
                int status = tenant.faults().failStatus();
                send(ctx, tenant, status, new JsonObject().put("code", status)
                        .put("message", status == 401 ? UNAUTHORIZED : "Service temporarily unavailable"));
                return;
            }
            default -> {
            }
        }
        try {
            Reply reply = operation.apply(tenant, ctx);
            send(ctx, tenant, reply.status(), reply.body());
        } catch (Rejection r) {
            send(ctx, tenant, r.status, r.body());
        } catch (DecodeException | ClassCastException | NumberFormatException e) {
            send(ctx, tenant, 400, new Rejection(400, "invalid request body: " + e.getMessage(), "$").body());
        }
    }

    private Reply bulk(BlueConicTenant tenant, RoutingContext ctx) {
        List<JsonObject> entries = BulkProfiles.entries(Json.decodeValue(ctx.body().buffer()));
        String header = ctx.request().getHeader("authorization");
        tenant.bulkWrite(header.substring(7).trim(), entries);
        String objectiveIds = ctx.request().getParam("objectiveIds");
        Set<String> objectives = objectiveIds == null || objectiveIds.isBlank() ? Set.of()
                : Arrays.stream(objectiveIds.split(",")).map(String::trim).collect(Collectors.toSet());
        JsonArray results = new BulkProfiles(tenant, objectives).apply(entries);
        return reply(entries.size() > tenant.maxEntriesPerRequest() ? 413 : 200, results);
    }

    /** PUT creates or replaces the whole definition; the body's id must equal the path's. */
    private Reply putProperty(BlueConicTenant tenant, RoutingContext ctx) {
        JsonObject definition = ctx.body().asJsonObject();
        if (definition == null || !ctx.pathParam("id").equals(definition.getString("id"))) {
            throw new Rejection(400, "the body's id must equal the path's propertyId", "id");
        }
        tenant.property(definition);
        return reply(200, definition);
    }

    private void inspect(RoutingContext ctx, java.util.function.Function<BlueConicTenant, JsonObject> view) {
        BlueConicTenant tenant = byName.get(ctx.pathParam("name"));
        if (tenant == null) {
            ctx.response().setStatusCode(404).end();
            return;
        }
        ctx.response().putHeader("content-type", "application/json").end(view.apply(tenant).encode());
    }

    private static void send(RoutingContext ctx, BlueConicTenant tenant, int status, Object body) {
        int items = body instanceof JsonArray array ? array.size() : 0;
        if (tenant != null) {
            // A segment page is recorded without its answer: a page's profiles as JSON objects are about 600 bytes a member,
            // and kept for every page, two reads of a 5,000,000-member segment filled an 8 GB heap (bench/segments.sh).
            boolean segmentPage = ctx.request().method() == io.vertx.core.http.HttpMethod.GET && ctx.request().path().endsWith("/profiles");
            tenant.record(new RecordedCall(System.currentTimeMillis(), ctx.request().method().name(), ctx.request().path(),
                    status, items, ctx.body() == null || ctx.body().buffer() == null ? 0 : ctx.body().length(),
                    body instanceof JsonObject object && !segmentPage ? object : null));
        }
        var response = ctx.response().setStatusCode(status);
        if (body == null) {
            response.end();
        } else {
            response.putHeader("content-type", "application/json").end(Json.encode(body));
        }
    }
}
