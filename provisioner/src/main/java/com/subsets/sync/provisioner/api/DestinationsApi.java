package com.subsets.sync.provisioner.api;

import com.subsets.sync.model.EventValidator;
import com.subsets.sync.provisioner.IterableEndpoints;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ErasureSetting;
import com.subsets.sync.provisioner.core.Fingerprint;
import com.subsets.sync.provisioner.core.Registration;
import com.subsets.sync.provisioner.core.RegistrationReader;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.notifications.NotificationSettings;
import com.subsets.sync.provisioner.notifications.NotificationStore;
import com.subsets.sync.provisioner.notifications.WebhookSecrets;
import com.subsets.sync.provisioner.run.ProvisioningRunner;
import com.subsets.sync.provisioner.run.RunResult;
import com.subsets.sync.provisioner.store.DeliveryHistoryStore;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.ErasureModes;
import com.subsets.sync.provisioner.segments.SegmentStore;
import com.subsets.sync.provisioner.store.ResyncStore;
import com.subsets.sync.provisioner.store.StoredDestination;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner's HTTP API. Operators (their own tokens) register, read, provision and delete
 * tenants' destinations under {@code /v1/tenants/{tenantId}/destinations/{kind}}; dispatchers (theirs)
 * read the READY ones, credentials included, from {@code /v1/dispatch/{kind}/destinations}.
 * Nothing here returns or logs a secret to an operator: GET shows a fingerprint.
 */
public final class DestinationsApi {

    private static final Logger LOG = LoggerFactory.getLogger(DestinationsApi.class);
    private static final String DESTINATION = "/v1/tenants/:tenantId/destinations/:kind";
    static final long MAX_BODY_BYTES = 64 * 1024;

    private final DestinationStore store;
    private final DeliveryHistoryStore history;
    private final ResyncStore resyncs;
    private final SegmentStore segments;
    private final RegistrationReader reader;
    private final CredentialSealer secrets;
    private final ProvisionerMetrics metrics;
    private final ProvisioningRunner runner;
    private final DispatchEntries entries;
    private final TokenAuthenticator operators;
    private final java.util.Map<DestinationKind, TokenAuthenticator> dispatchers;
    private final NotificationStore notifications;
    private final WebhookSecrets webhookSecrets;
    private final com.subsets.sync.provisioner.store.TestSubscriberStore testSubscribers;
    private final ErasureModes erasureModes;

    public DestinationsApi(DestinationStore store, DeliveryHistoryStore history, ResyncStore resyncs, SegmentStore segments,
                           RegistrationReader reader, CredentialSealer secrets,
                           ProvisioningRunner runner, IterableEndpoints endpoints, TokenAuthenticator operators,
                           java.util.Map<DestinationKind, TokenAuthenticator> dispatchers, ProvisionerMetrics metrics,
                           NotificationStore notifications, WebhookSecrets webhookSecrets,
                           com.subsets.sync.provisioner.store.TestSubscriberStore testSubscribers, ErasureModes erasureModes) {
        this.erasureModes = erasureModes;
        this.notifications = notifications;
        this.testSubscribers = testSubscribers;
        this.webhookSecrets = webhookSecrets;
        this.store = store;
        this.history = history;
        this.resyncs = resyncs;
        this.segments = segments;
        this.reader = reader;
        this.secrets = secrets;
        this.metrics = metrics;
        this.runner = runner;
        this.entries = new DispatchEntries(endpoints);
        this.operators = operators;
        this.dispatchers = dispatchers;
    }

    public void mount(Router router) {
        router.route("/v1/*").handler(DestinationsApi::refuseNul);
        router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
        router.route("/v1/tenants/*").handler(ctx -> authorize(ctx, operators));
        // Each kind's dispatchers with their own token: one kind's token never opens another kind's credentials.
        router.route("/v1/dispatch/:kind/*").handler(ctx -> {
            TokenAuthenticator tokens = DestinationKind.of(ctx.pathParam("kind")).map(dispatchers::get).orElse(null);
            if (tokens == null) {
                ctx.fail(new ApiException(404, "unknown_destination", "no destination kind " + ctx.pathParam("kind")
                        + "; known: iterable, blueconic"));
            } else {
                authorize(ctx, tokens);
            }
        });
        router.put(DESTINATION).handler(ctx -> respond(ctx, this::register));
        router.get(DESTINATION).handler(ctx -> respond(ctx, this::describe));
        router.delete(DESTINATION).handler(ctx -> respond(ctx, this::delete));
        router.post(DESTINATION + "/provision").handler(ctx -> respond(ctx, this::provision));
        router.get(DESTINATION + "/status").handler(ctx -> respond(ctx, this::status));
        router.get("/v1/dispatch/:kind/destinations").handler(ctx -> respond(ctx, this::readyForDispatch));
        router.route("/v1/*").failureHandler(ApiErrors::handle);
        router.errorHandler(404, ApiErrors::handle);
        router.errorHandler(405, ApiErrors::handle);
        router.errorHandler(413, ApiErrors::handle);
    }

    record Reply(int status, JsonObject body) {
    }

    static void respond(RoutingContext ctx, Function<RoutingContext, Future<Reply>> operation) {
        Future<Reply> reply;
        try {
            reply = operation.apply(ctx);
        } catch (RuntimeException e) {
            reply = Future.failedFuture(e);
        }
        reply.onSuccess(r -> {
            var response = ctx.response().setStatusCode(r.status());
            if (r.body() == null) {
                response.end();
            } else {
                response.putHeader("content-type", "application/json").end(r.body().encode());
            }
        }).onFailure(ctx::fail);
    }

    /** A NUL in the path or a query parameter is a 400: PostgreSQL stores none, and it is never a valid name. */
    private static void refuseNul(RoutingContext ctx) {
        String path = ctx.request().path() == null ? "" : ctx.request().path().toLowerCase(Locale.ROOT);
        if (path.contains("%00") || path.indexOf('\0') >= 0
                || ctx.queryParams().entries().stream().anyMatch(e -> (e.getKey() + e.getValue()).indexOf('\0') >= 0)) {
            ctx.fail(new ApiException(400, "invalid_text", "the path or a query parameter holds a NUL character"));
        } else {
            ctx.next();
        }
    }

    private static void authorize(RoutingContext ctx, TokenAuthenticator tokens) {
        if (tokens.isAuthorized(ctx.request().getHeader("authorization"))) {
            ctx.next();
        } else {
            ctx.fail(new ApiException(401, "unauthorized", "a valid bearer token is required"));
        }
    }

    // ---- operators ----

    private Future<Reply> register(RoutingContext ctx) {
        String tenantId = tenantId(ctx);
        DestinationKind kind = kind(ctx);
        String type = ctx.request().getHeader("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "send the destination as application/json");
        }
        JsonObject registered = jsonObject(ctx);
        // The saved test subscribers are read apart from the rest (RegistrationReader), their problems reported with its.
        com.subsets.sync.provisioner.core.TestSubscribers.Read tests =
                com.subsets.sync.provisioner.core.TestSubscribers.saved(registered.remove("testSubscribers"));
        // So is the erasure setting (its own column: changing it provisions nothing again).
        ErasureSetting.Read erasure = ErasureSetting.read(registered.containsKey(ErasureSetting.KEY), registered.remove(ErasureSetting.KEY));
        List<com.subsets.sync.model.Violation> apart = new java.util.ArrayList<>(tests.problems());
        apart.addAll(erasure.problems());
        Registration registration;
        try {
            registration = reader.read(kind, registered);
        } catch (com.subsets.sync.provisioner.core.InvalidRegistration invalid) {
            List<com.subsets.sync.model.Violation> all = new java.util.ArrayList<>(invalid.violations());
            all.addAll(apart);
            throw new com.subsets.sync.provisioner.core.InvalidRegistration(all);
        }
        if (!apart.isEmpty()) {
            throw new com.subsets.sync.provisioner.core.InvalidRegistration(apart);
        }
        SecretBox.Sealed sealed = secrets.seal(tenantId, kind, registration.settings(), registration.secret());
        String fingerprint = Fingerprint.of(registration.secret().getString(registration.secret().fieldNames().iterator().next()));
        return store.register(tenantId, kind, registration.settings(), sealed, fingerprint, registration.backfill())
                .compose(change -> saveNotifications(tenantId, kind, registration.notifications()).map(change))
                .compose(change -> testSubscribers.save(tenantId, kind, tests.subscribers()).map(change))
                .compose(change -> erasureModes.save(tenantId, kind, erasure.mode()).map(change))
                .compose(change -> {
            LOG.info("tenant {} {} destination {}", tenantId, kind.wireName(), change.name().toLowerCase(Locale.ROOT));
            if (change != DestinationStore.Change.UNCHANGED) {
                runner.provision(tenantId, kind, false)
                        .onFailure(e -> LOG.warn("provisioning {} for tenant {} will be retried by the sweep: {}", kind.wireName(),
                                tenantId, e.toString()));
            }
            int status = switch (change) {
                case CREATED -> 201;
                case CHANGED -> 202;
                case UNCHANGED -> 200;
            };
            ctx.response().putHeader("location", "/v1/tenants/" + tenantId + "/destinations/" + kind.wireName());
            return view(tenantId, kind).map(body -> new Reply(status, body));
        });
    }

    /** Who is told of the destination's health; the webhook secret sealed, bound to its URL. Absent: nobody. */
    private Future<Void> saveNotifications(String tenantId, DestinationKind kind, NotificationSettings settings) {
        NotificationSettings.Webhook webhook = settings == null ? null : settings.webhook();
        SecretBox.Sealed sealed = webhook == null ? null : webhookSecrets.seal(tenantId, kind, webhook.url(), webhook.secret());
        return notifications.save(tenantId, kind, settings, sealed, webhook == null ? null : Fingerprint.of(webhook.secret()));
    }

    private Future<Reply> describe(RoutingContext ctx) {
        return view(tenantId(ctx), kind(ctx)).map(body -> new Reply(200, body));
    }

    private Future<Reply> delete(RoutingContext ctx) {
        String tenantId = tenantId(ctx);
        DestinationKind kind = kind(ctx);
        return store.delete(tenantId, kind).map(deleted -> {
            if (!deleted) {
                throw notRegistered(tenantId, kind);
            }
            LOG.info("tenant {} {} destination deleted", tenantId, kind.wireName());
            return new Reply(204, null);
        });
    }

    /** Runs provisioning now and answers with the outcome; 202 when another run holds the destination. */
    private Future<Reply> provision(RoutingContext ctx) {
        String tenantId = tenantId(ctx);
        DestinationKind kind = kind(ctx);
        return runner.provision(tenantId, kind, false).compose(result -> {
            if (result == RunResult.NOT_FOUND) {
                throw notRegistered(tenantId, kind);
            }
            return view(tenantId, kind).map(body -> new Reply(result == RunResult.BUSY ? 202 : 200,
                    body.put("run", result.name())));
        });
    }

    /** Backfills, resyncs, replays and test deliveries shown by {@code GET .../status}, newest first. */
    static final int RUNS_SHOWN = 20;

    private Future<Reply> status(RoutingContext ctx) {
        String tenantId = tenantId(ctx);
        DestinationKind kind = kind(ctx);
        return store.find(tenantId, kind).compose(found -> history.summary(tenantId, kind).compose(delivery ->
                resyncs.parking(tenantId, kind).compose(parking -> resyncs.latest(tenantId, kind).compose(resync ->
                        resyncs.recent(tenantId, kind, RUNS_SHOWN).map(recent -> {
                    JsonObject body = new JsonObject().put("tenantId", tenantId).put("destination", kind.wireName());
                    found.ifPresentOrElse(d -> {
                        body.put("registered", true).put("status", status(d, parking)).put("statusReason", d.statusReason());
                        parking.ifPresent(p -> body.put("degraded", degraded(p)));
                    }, () -> body.put("registered", false));
                    java.time.Instant now = java.time.Instant.now();
                    body.put("resync", resync.map(r -> ResyncViews.operator(r, now)).orElse(null));
                    JsonArray runs = new JsonArray();
                    recent.forEach(r -> runs.add(ResyncViews.run(r, now)));
                    return new Reply(200, body.put("delivery", delivery).put("runs", runs));
                })))));
    }

    /**
     * DEGRADED while the destination's dispatcher lane is parked (it was READY and its vendor keeps failing);
     * otherwise where provisioning stands.
     */
    private static String status(StoredDestination d, java.util.Optional<ResyncStore.Parking> parking) {
        return parking.isPresent() && d.status() == com.subsets.sync.provisioner.core.ProvisioningStatus.READY ? "DEGRADED"
                : d.status().name();
    }

    private static JsonObject degraded(ResyncStore.Parking p) {
        return new JsonObject().put("reason", p.reason()).put("since", p.parkedAt().toInstant().toString());
    }

    private Future<JsonObject> view(String tenantId, DestinationKind kind) {
        return store.find(tenantId, kind).compose(found -> {
            StoredDestination d = found.orElseThrow(() -> notRegistered(tenantId, kind));
            return notifications.find(tenantId, kind).compose(notified -> testSubscribers.find(tenantId, kind).compose(tests ->
                    erasureModes.find(tenantId, kind).compose(erasure ->
                    store.ledger(tenantId, kind).compose(ledger -> resyncs.parking(tenantId, kind).compose(parking ->
                    (kind == DestinationKind.BLUECONIC ? segments.followed(tenantId) : Future.succeededFuture(
                            List.<SegmentStore.Followed>of())).map(followed -> {
                JsonArray fields = new JsonArray();
                ledger.forEach(row -> fields.add(new JsonObject()
                        .put("field", row.record().field().name())
                        .put("remoteName", row.record().remoteName())
                        .put("remoteType", row.record().remoteType())
                        .put("action", row.record().action().name())
                        .put("createdAt", row.createdAt() == null ? null : row.createdAt().toInstant().toString())
                        .put("verifiedAt", row.verifiedAt().toInstant().toString())
                        .put("attempt", row.attemptId())));
                return new JsonObject()
                        .put("tenantId", d.tenantId())
                        .put("destination", d.kind().wireName())
                        .put("settings", d.settings().copy().put(ErasureSetting.KEY, erasure))
                        .put("credentialFingerprint", d.fingerprint())
                        .put("revision", d.revision())
                        .put("status", status(d, parking))
                        .put("statusReason", d.statusReason())
                        .put("degraded", parking.map(DestinationsApi::degraded).orElse(null))
                        .put("backfill", d.backfill())
                        .put("nextAttemptAt", d.nextAttemptAt() == null ? null : d.nextAttemptAt().toInstant().toString())
                        .put("updatedAt", d.updatedAt().toInstant().toString())
                        .put("fields", fields)
                        .put("segments", kind == DestinationKind.BLUECONIC ? segmentsView(followed) : null)
                        .put("notifications", notified.map(NotificationStore.Stored::view).orElse(null))
                        .put("testSubscribers", com.subsets.sync.provisioner.core.TestSubscribers.json(tests));
            }))))));
        });
    }

    /** Each followed segment with its name, members and last complete read; a deleted one says when it went. */
    private static JsonArray segmentsView(List<SegmentStore.Followed> followed) {
        JsonArray view = new JsonArray();
        followed.forEach(f -> view.add(new JsonObject().put("id", f.segmentId()).put("name", f.name()).put("members", f.members())
                .put("lastReadAt", f.lastReadAt() == null ? null : f.lastReadAt().toInstant().toString())
                .put("lastError", f.lastError())
                .put("deletedAt", f.deletedAt() == null ? null : f.deletedAt().toInstant().toString())));
        return view;
    }

    // ---- dispatchers ----

    /**
     * Every registered tenant of a kind ({@code registered}), and the last READY revision of each that has one
     * ({@code destinations}): a tenant being provisioned again keeps being served as it last was READY, and
     * a dispatcher holds the records of a registered tenant it has no destination for yet. A tenant whose
     * credentials cannot be opened (an encryption key missing mid-rotation, settings changed outside the API, an
     * instance URL the policy no longer allows) is left out of {@code destinations}, listed in {@code unavailable}
     * (the dispatchers keep its last known destination), logged and counted by tenant; the others are served.
     */
    private Future<Reply> readyForDispatch(RoutingContext ctx) {
        DestinationKind kind = kind(ctx);
        return store.dispatchable(kind).compose(all -> ResyncApi.forDispatch(resyncs, kind).map(control -> {
            JsonObject destinations = new JsonObject();
            JsonArray registered = new JsonArray();
            JsonArray unavailable = new JsonArray();
            for (DestinationStore.Dispatchable d : all) {
                registered.add(d.tenantId());
                if (d.ready() == null) {
                    continue;
                }
                JsonObject secret;
                try {
                    secret = secrets.open(d.tenantId(), d.kind(), d.ready().settings(), d.ready().sealed(), d.ready().binding());
                } catch (SecretBox.SealException e) {
                    LOG.error("tenant {} {} credentials cannot be opened; left out of the dispatch list: {}", d.tenantId(),
                            kind.wireName(), e.getMessage());
                    metrics.dispatchUnopenable(kind, d.tenantId());
                    unavailable.add(d.tenantId());
                    continue;
                }
                destinations.put(d.tenantId(), entries.entry(d.tenantId(), kind, d.ready().settings(), secret, d.erasure()));
            }
            return new Reply(200, new JsonObject().put("destination", kind.wireName()).put("destinations", destinations)
                    .put("registered", registered).put("unavailable", unavailable).mergeIn(control));
        }));
    }

    // ---- helpers ----

    static String tenantId(RoutingContext ctx) {
        String tenantId = ctx.pathParam("tenantId");
        if (!EventValidator.TENANT_ID.matcher(tenantId).matches()) {
            throw new ApiException(400, "invalid_tenant_id", "tenantId must be 1 to 63 lowercase letters, digits or '-', "
                    + "starting with a letter or digit", List.of(new com.subsets.sync.model.Violation("tenantId", "does not match "
                    + EventValidator.TENANT_ID.pattern())));
        }
        return tenantId;
    }

    static DestinationKind kind(RoutingContext ctx) {
        return DestinationKind.of(ctx.pathParam("kind")).orElseThrow(() -> new ApiException(404, "unknown_destination",
                "no destination kind " + ctx.pathParam("kind") + "; known: iterable, blueconic"));
    }

    static JsonObject jsonObject(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0) {
            throw new ApiException(400, "malformed_json", "the body is empty; send the destination as a JSON object");
        }
        return StrictJson.object(ctx.body().buffer());
    }

    static ApiException notRegistered(String tenantId, DestinationKind kind) {
        return new ApiException(404, "not_registered", "tenant " + tenantId + " has no " + kind.wireName() + " destination");
    }
}
