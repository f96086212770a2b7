package com.subsets.sync.provisioner.api;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.provisioner.DeadLetterScan;
import com.subsets.sync.provisioner.IterableEndpoints;
import com.subsets.sync.provisioner.StateLookup;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.FieldModeSettings;
import com.subsets.sync.provisioner.core.TestDeliveryCheck;
import com.subsets.sync.provisioner.core.TestSubscribers;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.ResyncStore;
import com.subsets.sync.provisioner.store.TestSubscriberStore;
import com.subsets.sync.model.Violation;
import com.subsets.sync.provisioner.vendor.TestReadBack;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test deliveries: {@code POST .../test} queues a resync (reason {@code test}) of up to 25 named subscribers, so their
 * current state goes through the dispatcher's own lane, writer and budget; {@code GET .../test/{id}} answers its
 * progress and, once it is DONE, per subscriber what was sent (its state now), what the vendor holds (read back one
 * call at a time, {@link TestReadBack}) and whether they agree field by field, with the vendor's words for a refusal
 * (the dead letter the dispatcher wrote for it since the test was asked for). Mounted after {@link DestinationsApi}.
 */
public final class TestDeliveryApi {

    private static final Logger LOG = LoggerFactory.getLogger(TestDeliveryApi.class);
    private static final String TEST = "/v1/tenants/:tenantId/destinations/:kind/test";

    private final DestinationStore destinations;
    private final TestSubscriberStore saved;
    private final ResyncStore resyncs;
    private final StateLookup states;
    private final DeadLetterScan deadLetters;
    private final Map<DestinationKind, String> deadLetterTopics;
    private final CredentialSealer sealer;
    private final IterableEndpoints iterableEndpoints;
    private final TestReadBack vendor;

    public TestDeliveryApi(DestinationStore destinations, TestSubscriberStore saved, ResyncStore resyncs, StateLookup states, DeadLetterScan deadLetters,
                           Map<DestinationKind, String> deadLetterTopics, CredentialSealer sealer, IterableEndpoints iterableEndpoints,
                           TestReadBack vendor) {
        this.destinations = destinations;
        this.saved = saved;
        this.resyncs = resyncs;
        this.states = states;
        this.deadLetters = deadLetters;
        this.deadLetterTopics = deadLetterTopics;
        this.sealer = sealer;
        this.iterableEndpoints = iterableEndpoints;
        this.vendor = vendor;
    }

    public void mount(Router router) {
        router.post(TEST).handler(ctx -> DestinationsApi.respond(ctx, this::request));
        router.get(TEST + "/:id").handler(ctx -> DestinationsApi.respond(ctx, this::answer));
    }

    private Future<DestinationsApi.Reply> request(RoutingContext ctx) {
        String tenantId = DestinationsApi.tenantId(ctx);
        DestinationKind kind = DestinationsApi.kind(ctx);
        // No body, or one without subscribers: the test subscribers saved on the destination.
        JsonObject body = ctx.body() == null || ctx.body().buffer() == null || ctx.body().buffer().length() == 0 ? new JsonObject()
                : DestinationsApi.jsonObject(ctx);
        boolean named = body.containsKey("subscribers");
        TestSubscribers.Read read = named ? TestSubscribers.read(body) : new TestSubscribers.Read(List.of(), TestSubscribers.unknownNames(body));
        if (!read.problems().isEmpty()) {
            throw invalid(read.problems());
        }
        return destinations.find(tenantId, kind)
                .compose(found -> found.isPresent() ? Future.succeededFuture()
                        : Future.<Void>failedFuture(DestinationsApi.notRegistered(tenantId, kind)))
                .compose(v -> named ? Future.succeededFuture(read.subscribers()) : saved.find(tenantId, kind).map(list -> {
                    if (list.isEmpty()) {
                        throw invalid(List.of(new Violation("subscribers", "is required: name 1 to " + TestSubscribers.MAX
                                + " {userId, email} objects, or save them on the destination (testSubscribers of PUT "
                                + ".../destinations/" + kind.wireName() + "); this destination has none saved")));
                    }
                    return list;
                }))
                .compose(subscribers -> request(tenantId, kind, TestSubscribers.stateKeys(tenantId, subscribers)));
    }

    private static ApiException invalid(List<Violation> problems) {
        return new ApiException(400, "invalid_test_subscribers", "a test delivery takes {\"subscribers\": [{\"userId\", \"email\"}]}, "
                + "1 to " + TestSubscribers.MAX + " of them, identified as events' subscribers are, or none to send the ones saved "
                + "on the destination", problems);
    }

    private Future<DestinationsApi.Reply> request(String tenantId, DestinationKind kind, List<String> keys) {
        return resyncs.request(tenantId, kind, "test", "test delivery of " + keys.size() + " subscribers", keys)
                .compose(created -> {
                    if (created.isEmpty()) {
                        return resyncs.latest(tenantId, kind).compose(running -> Future.failedFuture(new ApiException(409,
                                "resync_in_progress", "tenant " + tenantId + " has a " + kind.wireName() + " resync not finished yet (id "
                                + running.map(r -> String.valueOf(r.id())).orElse("?") + "); one runs at a time: try the test after it")));
                    }
                    LOG.info("tenant {} {}: test delivery {} of {} subscribers queued", tenantId, kind.wireName(), created.get().id(),
                            keys.size());
                    return Future.succeededFuture(new DestinationsApi.Reply(202, view(tenantId, kind, created.get())));
                });
    }

    private Future<DestinationsApi.Reply> answer(RoutingContext ctx) {
        String tenantId = DestinationsApi.tenantId(ctx);
        DestinationKind kind = DestinationsApi.kind(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw notFound(tenantId, kind, ctx.pathParam("id"));
        }
        return resyncs.find(tenantId, kind, id).compose(found -> {
            if (found.isEmpty() || !"test".equals(found.get().reason()) || found.get().subscriberCount() == null) {
                return Future.failedFuture(notFound(tenantId, kind, String.valueOf(id)));
            }
            ResyncStore.Resync test = found.get();
            JsonObject body = view(tenantId, kind, test);
            if (!"DONE".equals(test.status())) {
                return Future.succeededFuture(new DestinationsApi.Reply(200, body));
            }
            return readBack(tenantId, kind, test).map(subscribers -> new DestinationsApi.Reply(200, body.put("subscribers", subscribers)));
        });
    }

    /** Their states and refusals from Kafka, then the vendor, one subscriber after another. */
    private Future<JsonArray> readBack(String tenantId, DestinationKind kind, ResyncStore.Resync test) {
        Instant since = test.requestedAt().toInstant();
        return resyncs.subscribers().named(test.id()).map(LinkedHashSet::new).compose(keys -> readBack(tenantId, kind, since, keys));
    }

    private Future<JsonArray> readBack(String tenantId, DestinationKind kind, Instant since, LinkedHashSet<String> keys) {
        return states.states(tenantId, keys)
                .compose(found -> deadLetters.refusals(deadLetterTopics.get(kind), tenantId, since, keys).map(refused -> List.of(found, refused)))
                .recover(e -> Future.failedFuture(new ApiException(503, "state_unavailable", "the state or dead-letter topic could not "
                        + "be read (" + e.getMessage() + "); try again")))
                .compose(read -> {
                    @SuppressWarnings("unchecked") Map<String, StateRecord> found = (Map<String, StateRecord>) read.get(0);
                    @SuppressWarnings("unchecked") Map<String, String> refused = (Map<String, String>) read.get(1);
                    return destinations.dispatchable(tenantId, kind).compose(d -> {
                        DestinationStore.ReadyRevision ready = d.map(DestinationStore.Dispatchable::ready).orElse(null);
                        Reader reader = reader(tenantId, kind, ready);
                        FieldModes modes = ready == null ? FieldModes.DEFAULT : FieldModeSettings.of(ready.settings());
                        JsonArray out = new JsonArray();
                        Future<Void> chain = Future.succeededFuture();
                        for (String key : keys) {
                            chain = chain.compose(v -> one(key, found.get(key), refused.get(key), reader, modes).map(out::add).mapEmpty());
                        }
                        return chain.map(out);
                    });
                });
    }

    /** One subscriber's verdict. */
    private Future<JsonObject> one(String key, StateRecord state, String refusal, Reader reader, FieldModes modes) {
        Subscriber subscriber = state != null ? state.subscriber() : TestSubscribers.ofStateKey(key);
        JsonObject who = new JsonObject().put("userId", subscriber.userId()).put("email", subscriber.email());
        JsonObject row = new JsonObject().put("subscriber", who).put("state", state != null).put("refusal", refusal);
        var sent = TestDeliveryCheck.sent(state, modes);
        JsonObject sentView = new JsonObject();
        sent.forEach((field, value) -> sentView.put(field.iterableName(), value.orElse(null)));
        row.put("sent", sentView);
        return reader.read(subscriber).map(held -> {
            JsonObject verdict = TestDeliveryCheck.compare(sent, held.fields());
            JsonObject vendorView = new JsonObject();
            held.fields().forEach((field, value) -> vendorView.put(field.iterableName(), value));
            return row.put("vendor", held.found() ? vendorView : null).put("agree", state != null && refusal == null
                    && verdict.getBoolean("agrees")).put("fields", verdict.getJsonObject("fields")).put("readError", (String) null);
        }).recover(e -> Future.succeededFuture(row.put("vendor", null).put("agree", false)
                .put("fields", TestDeliveryCheck.compare(sent, Map.of()).getJsonObject("fields"))
                .put("readError", e.getMessage())));
    }

    private record Held(boolean found, Map<com.subsets.sync.model.DestinationField, String> fields) {
    }

    private interface Reader {
        Future<Held> read(Subscriber subscriber);
    }

    private Reader reader(String tenantId, DestinationKind kind, DestinationStore.ReadyRevision ready) {
        if (ready == null) {
            return s -> Future.failedFuture(new IllegalStateException("the destination was never READY: nothing to read back from"));
        }
        JsonObject settings = ready.settings();
        JsonObject secret;
        try {
            secret = sealer.open(tenantId, kind, settings, ready.sealed(), ready.binding());
        } catch (RuntimeException e) {
            return s -> Future.failedFuture(new IllegalStateException("the destination's credentials cannot be opened"));
        }
        return switch (kind) {
            case ITERABLE -> s -> vendor.iterableUser(iterableEndpoints.url(settings.getString("region")).toString().replaceAll("/+$", ""),
                    secret.getString("apiKey"), "email".equals(settings.getString("identifier")), s)
                    .map(user -> new Held(user != null, TestDeliveryCheck.heldByIterable(user)));
            case BLUECONIC -> s -> vendor.blueConicProfile(new BlueConicCredentials(URI.create(settings.getString("instanceUrl")),
                            settings.getString("clientId"), secret.getString("clientSecret")), settings.getString("matchingProperty", "email"), s)
                    .map(profile -> new Held(profile != null, TestDeliveryCheck.heldByBlueConic(profile)));
        };
    }

    private static JsonObject view(String tenantId, DestinationKind kind, ResyncStore.Resync test) {
        return new JsonObject().put("tenantId", tenantId).put("destination", kind.wireName()).put("id", test.id())
                .put("status", test.status()).put("resync", ResyncViews.operator(test, Instant.now()));
    }

    private static ApiException notFound(String tenantId, DestinationKind kind, String id) {
        return new ApiException(404, "not_found", "tenant " + tenantId + " has no " + kind.wireName() + " test delivery " + id);
    }
}
