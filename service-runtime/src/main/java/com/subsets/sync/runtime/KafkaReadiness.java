package com.subsets.sync.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Readiness of the Kafka dependency: the cluster answers a describe-cluster call within 2 s. */
public final class KafkaReadiness {

    private static final long TIMEOUT_MS = 2_000;
    /** The health-check procedure's own limit; above ours, so a slow Kafka reads as DOWN (503), not as an error. */
    public static final long PROCEDURE_TIMEOUT_MS = TIMEOUT_MS + 1_000;
    private final KafkaAdminClient admin;

    public KafkaReadiness(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties, String clientId) {
        Map<String, String> props = new HashMap<>(kafkaProperties);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("request.timeout.ms", String.valueOf(TIMEOUT_MS));
        props.put("default.api.timeout.ms", String.valueOf(TIMEOUT_MS));
        props.put("client.id", clientId);
        admin = KafkaAdminClient.create(vertx, props);
    }

    public void check(Promise<Status> promise) {
        admin.describeCluster()
                .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onComplete(ar -> promise.complete(ar.succeeded() && !ar.result().getNodes().isEmpty()
                        ? Status.OK()
                        : Status.KO(new io.vertx.core.json.JsonObject().put("reason", "Kafka is not reachable"))));
    }

    public Future<Void> close() {
        return admin.close();
    }
}
