package com.subsets.sync.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.kafka.admin.KafkaAdminClient;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Readiness of the Kafka dependency: the cluster answers a describe-cluster call within 2 s. */
final class KafkaReadiness {

    private static final long TIMEOUT_MS = 2_000;
    /** The health-check procedure's own limit; above ours, so a slow Kafka reads as DOWN (503), not as an error. */
    static final long PROCEDURE_TIMEOUT_MS = TIMEOUT_MS + 1_000;
    private final KafkaAdminClient admin;

    KafkaReadiness(Vertx vertx, IngestConfig config) {
        Map<String, String> props = new HashMap<>(config.kafkaProperties());
        props.put("bootstrap.servers", config.bootstrapServers());
        props.put("request.timeout.ms", String.valueOf(TIMEOUT_MS));
        props.put("default.api.timeout.ms", String.valueOf(TIMEOUT_MS));
        props.put("client.id", "ingest-service-readiness");
        admin = KafkaAdminClient.create(vertx, props);
    }

    void check(Promise<Status> promise) {
        admin.describeCluster()
                .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .onComplete(ar -> promise.complete(ar.succeeded() && !ar.result().getNodes().isEmpty()
                        ? Status.OK()
                        : Status.KO(new io.vertx.core.json.JsonObject().put("reason", "Kafka is not reachable"))));
    }

    Future<Void> close() {
        return admin.close();
    }
}
