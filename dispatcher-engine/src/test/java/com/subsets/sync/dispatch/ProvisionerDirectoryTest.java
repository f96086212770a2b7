package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dispatchers' client of the provisioner, against small Vert.x peers on loopback. */
class ProvisionerDirectoryTest {

    private static final StaticDestinations.EntryReader<String> READER =
            (entry, where) -> LaneConfig.fixed("budget", entry.getString("apiKey"), 10, 1);

    private Vertx vertx;
    private final List<String> reachedElsewhere = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aRedirectIsNeverFollowedWithTheDispatcherToken() throws Exception {
        HttpServer elsewhere = vertx.createHttpServer().requestHandler(request -> {
            reachedElsewhere.add(request.method() + " " + request.uri() + " " + request.headers().get("authorization"));
            request.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("destinations", new JsonObject()).put("registered", new JsonArray()).encode());
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        HttpServer redirector = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
                .putHeader("location", "http://127.0.0.1:" + elsewhere.actualPort() + request.uri()).end())
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);

        ProvisionerDirectory<String> directory = new ProvisionerDirectory<>(vertx,
                URI.create("http://127.0.0.1:" + redirector.actualPort()), "iterable", "dispatcher-token", READER, 100);
        try {
            Throwable parked = directory.parked("acme", new DeliveryControl.Parking(0, 1, "down", Instant.now()))
                    .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(parked).as("a 3xx is an error with its status").isNotNull();
            assertThat(parked.getMessage()).contains("302");
            Thread.sleep(500);
            assertThat(directory.loaded().isComplete()).as("a redirect is no answer").isFalse();
            assertThat(reachedElsewhere).as("the token never reaches the redirect's target").isEmpty();
        } finally {
            directory.close();
        }
    }

    @Test
    void aTenantWhoseCredentialsTheProvisionerCannotOpenKeepsItsLastKnownDestination() throws Exception {
        AtomicReference<JsonObject> answer = new AtomicReference<>(new JsonObject()
                .put("destinations", new JsonObject().put("acme", new JsonObject().put("apiKey", "k-acme"))
                        .put("other", new JsonObject().put("apiKey", "k-other")))
                .put("registered", new JsonArray().add("acme").add("other")));
        HttpServer provisioner = vertx.createHttpServer().requestHandler(request -> request.response()
                .putHeader("content-type", "application/json").end(answer.get().encode()))
                .listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        ProvisionerDirectory<String> directory = new ProvisionerDirectory<>(vertx,
                URI.create("http://127.0.0.1:" + provisioner.actualPort()), "iterable", "dispatcher-token", READER, 100);
        try {
            directory.loaded().await(10, TimeUnit.SECONDS);
            assertThat(directory.lookup("acme")).isPresent();
            answer.set(new JsonObject().put("destinations", new JsonObject().put("other", new JsonObject().put("apiKey", "k-other2")))
                    .put("registered", new JsonArray().add("acme").add("other")).put("unavailable", new JsonArray().add("acme")));
            long deadline = System.currentTimeMillis() + 10_000;
            while (!"k-other2".equals(directory.lookup("other").map(LaneConfig::destination).orElse(null))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(directory.lookup("other").map(LaneConfig::destination)).contains("k-other2");
            assertThat(directory.lookup("acme").map(LaneConfig::destination)).as("kept as last known").contains("k-acme");

            answer.set(new JsonObject().put("destinations", new JsonObject()).put("registered", new JsonArray().add("other")));
            deadline = System.currentTimeMillis() + 10_000;
            while (directory.lookup("acme").isPresent() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(directory.lookup("acme")).as("gone once no longer registered").isEmpty();
        } finally {
            directory.close();
        }
    }

    /**
     * Issue 26: a resync the provisioner no longer knows (404) ends on the dispatcher, and the recovery carries the
     * parking's partition and offset so the provisioner can queue its resync without having recorded the parking.
     */
    @Test
    void aResyncTheProvisionerNoLongerKnowsIsGoneAndARecoveryCarriesItsParking() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer provisioner = vertx.createHttpServer().requestHandler(request -> {
            calls.add(request.method() + " " + request.uri());
            if (request.path().contains("/resyncs/")) {
                request.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end("{\"code\":\"unknown_resync\"}");
            } else if (request.path().contains("/parkings/")) {
                request.response().setStatusCode(204).end();
            } else {
                request.response().putHeader("content-type", "application/json").end(new JsonObject()
                        .put("destinations", new JsonObject()).put("registered", new JsonArray()).encode());
            }
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        ProvisionerDirectory<String> directory = new ProvisionerDirectory<>(vertx,
                URI.create("http://127.0.0.1:" + provisioner.actualPort()), "iterable", "dispatcher-token", READER, 100);
        try {
            DeliveryControl.ResyncJob job = new DeliveryControl.ResyncJob(9, "acme", 0, null, null, null, 0, null);
            Throwable gone = directory.progress(job, new DeliveryControl.Progress(5, 10, 10, 5, null, false))
                    .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(gone).isInstanceOf(DeliveryControl.ResyncGone.class);

            directory.recovered("acme", new DeliveryControl.Parking(2, 815, "down", Instant.now())).await(10, TimeUnit.SECONDS);
            assertThat(calls).anyMatch(call -> call.startsWith("DELETE ") && call.contains("/parkings/acme")
                    && call.contains("partition=2") && call.contains("fromOffset=815"));
        } finally {
            directory.close();
        }
    }

    /**
     * Issue 27: a replay's keys are not in the directory answer; the replica that runs it pages them, each page after
     * the last key of the one before, with the dispatcher token, until the provisioner says no more follow.
     */
    @Test
    void aReplaysSubscribersArePagedFromTheProvisionerUntilTheLast() throws Exception {
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < 25_000; i++) {
            keys.add(String.format("acme\u001Fu%05d\u001F", i));
        }
        List<String> calls = new CopyOnWriteArrayList<>();
        HttpServer provisioner = vertx.createHttpServer().requestHandler(request -> {
            if (!request.path().equals("/v1/dispatch/iterable/resyncs/9/subscribers")) {
                boolean gone = request.path().contains("/resyncs/");
                request.response().setStatusCode(gone ? 404 : 200).putHeader("content-type", "application/json").end(gone
                        ? "{\"code\":\"unknown_resync\"}"
                        : new JsonObject().put("destinations", new JsonObject()).put("registered", new JsonArray()).encode());
                return;
            }
            calls.add(request.getParam("after") + " " + request.getParam("limit") + " " + request.getHeader("authorization"));
            String after = request.getParam("after");
            int limit = Integer.parseInt(request.getParam("limit"));
            List<String> page = keys.stream().filter(k -> after == null || k.compareTo(after) > 0).limit(limit).toList();
            request.response().putHeader("content-type", "application/json").end(new JsonObject().put("subscribers", new JsonArray(page))
                    .put("next", page.size() == limit ? page.get(page.size() - 1) : null).encode());
        }).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        ProvisionerDirectory<String> directory = new ProvisionerDirectory<>(vertx,
                URI.create("http://127.0.0.1:" + provisioner.actualPort()), "iterable", "dispatcher-token", READER, 100);
        try {
            java.util.Set<String> named = directory.subscribersOf(new DeliveryControl.ResyncJob(9, "acme", 0, null, null, null, 0,
                    25_000L)).await(10, TimeUnit.SECONDS);
            assertThat(named).hasSize(25_000).containsAll(keys);
            assertThat(calls).as("three pages of at most 10,000, each after the last key").containsExactly(
                    "null 10000 Bearer dispatcher-token", keys.get(9_999) + " 10000 Bearer dispatcher-token",
                    keys.get(19_999) + " 10000 Bearer dispatcher-token");

            Throwable gone = directory.subscribersOf(new DeliveryControl.ResyncJob(10, "acme", 0, null, null, null, 0, 3L))
                    .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(gone).as("a replay the provisioner no longer runs").isInstanceOf(DeliveryControl.ResyncGone.class);
            Throwable fewer = directory.subscribersOf(new DeliveryControl.ResyncJob(9, "acme", 0, null, null, null, 0, 25_001L))
                    .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
            assertThat(fewer).as("never part of the keys").hasMessageContaining("the replay names 25001");
        } finally {
            directory.close();
        }
    }
}
