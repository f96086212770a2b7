package com.subsets.sync.dispatch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destinations as the provisioner serves them ({@code GET /v1/dispatch/{kind}/destinations}: each registered
 * tenant, with its last READY revision where it has one),
 * refreshed every {@code refreshMillis} (at most 30 s, so a change or a deletion is followed within
 * that). When the provisioner or its database is away, the last known destinations stay in use, and so does a
 * tenant's the provisioner lists as {@code unavailable} (its credentials could not be opened there). An
 * entry this dispatcher cannot read is left out (and logged) without affecting the others. Redirects are never
 * followed: the dispatcher token goes to the configured provisioner only.
 */
public final class ProvisionerDirectory<C> implements DestinationDirectory<C>, DeliveryControl {

    private static final Logger LOG = LoggerFactory.getLogger(ProvisionerDirectory.class);

    private final Vertx vertx;
    private final WebClient client;
    private final String url;
    private final URI dispatch;
    private final String token;
    private final StaticDestinations.EntryReader<C> reader;
    private final long refreshMillis;
    private final ResyncSubscriberPages named;
    private final AtomicReference<Map<String, LaneConfig<C>>> current = new AtomicReference<>(Map.of());
    private final AtomicReference<Set<String>> registered = new AtomicReference<>(Set.of());
    private final AtomicReference<Map<String, Parking>> parked = new AtomicReference<>(Map.of());
    private final AtomicReference<List<ResyncJob>> resyncs = new AtomicReference<>(List.of());
    private final Promise<Void> loaded = Promise.promise();
    private long timer = -1;
    private boolean failing;

    public ProvisionerDirectory(Vertx vertx, URI provisioner, String kind, String token, StaticDestinations.EntryReader<C> reader,
                                long refreshMillis) {
        this.vertx = vertx;
        // A redirect is never followed (Vert.x would send the dispatcher token to its target): a 3xx fails the call.
        this.client = WebClient.create(vertx, new io.vertx.ext.web.client.WebClientOptions().setFollowRedirects(false));
        this.url = provisioner.resolve("/v1/dispatch/" + kind + "/destinations").toString();
        this.dispatch = provisioner.resolve("/v1/dispatch/" + kind + "/");
        this.token = token;
        this.reader = reader;
        this.refreshMillis = refreshMillis;
        this.named = new ResyncSubscriberPages(client, dispatch, token);
        refresh();
        timer = vertx.setPeriodic(refreshMillis, t -> refresh());
    }

    @Override
    public Optional<LaneConfig<C>> lookup(String tenantId) {
        return Optional.ofNullable(current.get().get(tenantId));
    }

    @Override
    public boolean registered(String tenantId) {
        return registered.get().contains(tenantId) || current.get().containsKey(tenantId);
    }

    @Override
    public Future<Void> loaded() {
        return loaded.future();
    }

    @Override
    public DeliveryControl control() {
        return this;
    }

    @Override
    public List<ResyncJob> resyncs() {
        return resyncs.get();
    }

    @Override
    public Optional<Parking> parking(String tenantId) {
        return Optional.ofNullable(parked.get().get(tenantId));
    }

    @Override
    public Map<String, Parking> parkings() {
        return parked.get();
    }

    @Override
    public Future<Void> parked(String tenantId, Parking parking) {
        JsonObject body = new JsonObject().put("partition", parking.partition()).put("fromOffset", parking.fromOffset())
                .put("reason", parking.reason()).put("parkedAt", parking.at().toString());
        return call(client.putAbs(dispatch.resolve("parkings/" + tenantId).toString()), body);
    }

    @Override
    public Future<Void> recovered(String tenantId, Parking parking) {
        // The parking goes with it: if the provisioner never recorded it, it still queues the resync from its offset.
        return call(client.deleteAbs(dispatch.resolve("parkings/" + tenantId).toString())
                .addQueryParam("partition", String.valueOf(parking.partition()))
                .addQueryParam("fromOffset", String.valueOf(parking.fromOffset())), null).onSuccess(v -> refresh());
    }

    @Override
    public Future<Void> progress(ResyncJob job, Progress progress) {
        JsonObject body = new JsonObject().put("position", progress.position()).put("endOffset", progress.endOffset())
                .put("total", progress.total()).put("sent", progress.sent()).put("lastError", progress.lastError())
                .put("done", progress.done());
        return call(client.postAbs(dispatch.resolve("resyncs/" + job.id()).toString()), body)
                .recover(e -> Future.failedFuture(e instanceof NotFound ? new ResyncGone(job.id()) : e))
                .onSuccess(v -> {
                    if (progress.done()) {
                        refresh();
                    }
                });
    }

    @Override
    public Future<Void> queued(ResyncJob job, int place) {
        return call(client.postAbs(dispatch.resolve("resyncs/" + job.id()).toString()), new JsonObject().put("queued", place))
                .recover(e -> Future.failedFuture(e instanceof NotFound ? new ResyncGone(job.id()) : e));
    }

    @Override
    public Future<Set<String>> subscribersOf(ResyncJob job) {
        return named.of(job);
    }

    private Future<Void> call(io.vertx.ext.web.client.HttpRequest<io.vertx.core.buffer.Buffer> request, JsonObject body) {
        request.bearerTokenAuthentication(token).timeout(10_000);
        return (body == null ? request.send() : request.sendJsonObject(body)).compose(response -> response.statusCode() / 100 == 2
                ? Future.<Void>succeededFuture()
                : Future.failedFuture(response.statusCode() == 404 ? new NotFound(response.bodyAsString())
                        : new IllegalStateException("the provisioner answered " + response.statusCode() + ": " + response.bodyAsString())));
    }

    /** The provisioner answered 404. */
    private static final class NotFound extends RuntimeException {
        NotFound(String body) {
            super("the provisioner answered 404: " + body, null, false, false);
        }
    }

    /** Tenants currently known (for logs and tests). */
    public int size() {
        return current.get().size();
    }

    private void refresh() {
        client.getAbs(url).bearerTokenAuthentication(token).timeout(Math.min(refreshMillis, 10_000)).send()
                .compose(response -> response.statusCode() == 200 ? Future.succeededFuture(response.body())
                        : Future.failedFuture("the provisioner answered " + response.statusCode()))
                .map(ProvisionerDirectory::answer)
                .onSuccess(this::replace)
                .onFailure(e -> {
                    if (!failing) {
                        LOG.warn("destinations not refreshed from {}; keeping the {} known: {}", url, current.get().size(), e.getMessage());
                        failing = true;
                    }
                });
    }

    /**
     * The answer, if it is whole: {@code destinations} an object and {@code registered} an array of tenant ids.
     * Anything else fails the refresh, and the last known destinations stay in use: a partial answer read as
     * "no destinations" would skip every tenant's records.
     */
    private static JsonObject answer(io.vertx.core.buffer.Buffer body) {
        Object parsed;
        try {
            parsed = body == null ? null : io.vertx.core.json.Json.decodeValue(body);
        } catch (io.vertx.core.json.DecodeException e) {
            throw new IllegalStateException("the provisioner's answer is not JSON");
        }
        if (!(parsed instanceof JsonObject object) || !(object.getValue("destinations") instanceof JsonObject)
                || !(object.getValue("registered") instanceof io.vertx.core.json.JsonArray)) {
            throw new IllegalStateException("the provisioner's answer lacks destinations (an object) or registered (an array)");
        }
        if (!(object.getValue("parked", new JsonObject()) instanceof JsonObject)
                || !(object.getValue("resyncs", new io.vertx.core.json.JsonArray()) instanceof io.vertx.core.json.JsonArray)
                || !(object.getValue("unavailable", new io.vertx.core.json.JsonArray()) instanceof io.vertx.core.json.JsonArray)) {
            throw new IllegalStateException("the provisioner's answer has parked that is not an object, or resyncs or unavailable "
                    + "that is not an array");
        }
        return object;
    }

    private void replace(JsonObject body) {
        Map<String, Parking> parkings;
        List<ResyncJob> jobs;
        try {
            parkings = ControlAnswers.parkings(body.getJsonObject("parked", new JsonObject()));
            jobs = ControlAnswers.resyncs(body.getJsonArray("resyncs", new io.vertx.core.json.JsonArray()));
        } catch (RuntimeException e) {
            LOG.error("the provisioner's parkings or resyncs cannot be read; keeping the last known: {}", e.toString());
            return;
        }
        JsonObject entries = body.getJsonObject("destinations");
        Set<String> tenants = new java.util.HashSet<>();
        body.getJsonArray("registered").forEach(t -> tenants.add(String.valueOf(t)));
        Map<String, LaneConfig<C>> next = new HashMap<>();
        // Tenants whose credentials the provisioner could not open this time (a key missing on that replica): their
        // last known destination stays in use while they are registered, as when the whole answer failed.
        Map<String, LaneConfig<C>> known = current.get();
        body.getJsonArray("unavailable", new io.vertx.core.json.JsonArray()).forEach(t -> {
            String tenant = String.valueOf(t);
            if (tenants.contains(tenant) && known.containsKey(tenant)) {
                next.put(tenant, known.get(tenant));
            }
        });
        for (String tenant : entries.fieldNames()) {
            try {
                next.put(tenant, reader.apply(entries.getJsonObject(tenant), "provisioner: tenant " + tenant + ": "));
            } catch (RuntimeException e) {
                LOG.error("destination of tenant {} left out: {}", tenant, e.getMessage());
            }
        }
        Map<String, LaneConfig<C>> previous = current.getAndSet(Map.copyOf(next));
        registered.set(Set.copyOf(tenants));
        parked.set(parkings);
        resyncs.set(jobs);
        if (failing || !previous.keySet().equals(next.keySet())) {
            LOG.info("{} ready destinations from the provisioner", next.size());
        }
        failing = false;
        loaded.tryComplete();
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        client.close();
    }
}
