package com.subsets.sync.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topics a service depends on, checked at start and by its readiness: each must exist, and topics whose records
 * are placed by the same tenant-to-partition rule (the events and the state topic, say) must have the same partition
 * count. A disagreement stops the service at start with a message naming the topics and their counts; a missing
 * topic is logged by name and keeps the service not ready until it exists.
 */
public final class TopicCheck {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCheck.class);
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(5);
    private static final long RECHECK_MS = 5_000;
    /** The readiness procedure's own limit: above the describe's, so a slow Kafka reads as DOWN, not as an error. */
    public static final long PROCEDURE_TIMEOUT_MS = DESCRIBE_TIMEOUT.toMillis() + 1_000;

    /**
     * What a service needs.
     *
     * @param required topics that must exist
     * @param samePartitions groups of topics that must agree on their partition count; a topic of a group that is not
     *                       also required and does not exist is left out of the comparison
     */
    public record Expectation(String service, List<String> required, List<List<String>> samePartitions) {
        public Expectation {
            required = List.copyOf(new LinkedHashSet<>(required));
            samePartitions = samePartitions.stream().map(List::copyOf).toList();
        }
    }

    /** What was found: missing required topics, and every disagreement in words. */
    public record Result(List<String> missing, List<String> disagreements) {
        public boolean ok() {
            return missing.isEmpty() && disagreements.isEmpty();
        }
    }

    /** Refused at start: the partition counts disagree. */
    public static final class PartitionMismatch extends RuntimeException {
        PartitionMismatch(String message) {
            super(message);
        }
    }

    /** Pure: {@code partitions} holds the count of every topic that exists. */
    public static Result evaluate(Expectation expectation, Map<String, Integer> partitions) {
        List<String> missing = expectation.required().stream().filter(t -> !partitions.containsKey(t)).toList();
        List<String> disagreements = new ArrayList<>();
        for (List<String> group : expectation.samePartitions()) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            group.stream().filter(partitions::containsKey).distinct().forEach(t -> counts.put(t, partitions.get(t)));
            if (counts.values().stream().distinct().count() > 1) {
                StringBuilder text = new StringBuilder();
                counts.forEach((topic, count) -> text.append(text.length() == 0 ? "" : ", ").append(topic).append(" has ")
                        .append(count).append(count == 1 ? " partition" : " partitions"));
                disagreements.add(text + ": they must have the same count (README, \"Changing a topic's partition count\")");
            }
        }
        return new Result(missing, disagreements);
    }

    private final Vertx vertx;
    private final Map<String, Object> adminProps;
    private final Expectation expectation;
    private volatile Result last;
    private volatile long lastCheckedAt;

    private TopicCheck(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties, Expectation expectation) {
        this.vertx = vertx;
        this.adminProps = new HashMap<>(kafkaProperties);
        adminProps.put("bootstrap.servers", bootstrapServers);
        adminProps.put("client.id", expectation.service() + "-topic-check");
        adminProps.put("request.timeout.ms", "2000");
        adminProps.put("default.api.timeout.ms", String.valueOf(DESCRIBE_TIMEOUT.toMillis()));
        this.expectation = expectation;
    }

    /**
     * Checks once: fails with {@link PartitionMismatch} when counts disagree, logs every missing topic by name; a
     * Kafka that cannot be asked now is logged and asked again by the readiness check.
     */
    public static Future<TopicCheck> atStart(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties,
                                             Expectation expectation) {
        TopicCheck check = new TopicCheck(vertx, bootstrapServers, kafkaProperties, expectation);
        return check.run().compose(result -> {
            if (result != null && !result.disagreements().isEmpty()) {
                String message = expectation.service() + " refuses to run: " + String.join("; ", result.disagreements());
                LOG.error(message);
                return Future.failedFuture(new PartitionMismatch(message));
            }
            return Future.succeededFuture(check);
        });
    }

    /** A readiness procedure for a check that may not have run yet: DOWN until it has. */
    public static void readiness(TopicCheck check, Promise<Status> promise) {
        if (check == null) {
            promise.complete(Status.KO(new JsonObject().put("reason", "topics not checked yet")));
        } else {
            check.readiness(promise);
        }
    }

    /** The readiness procedure: DOWN while a required topic is missing or counts disagree (asked again every 5 s). */
    public void readiness(Promise<Status> promise) {
        Result known = last;
        if (known != null && known.ok()) {
            promise.complete(Status.OK());
            return;
        }
        Future<Result> result = System.currentTimeMillis() - lastCheckedAt < RECHECK_MS && known != null
                ? Future.succeededFuture(known) : run();
        result.onComplete(ar -> {
            Result r = ar.succeeded() ? ar.result() : null;
            if (r == null) {
                promise.complete(Status.KO(new JsonObject().put("reason", "topics could not be described")));
            } else if (r.ok()) {
                promise.complete(Status.OK());
            } else {
                promise.complete(Status.KO(new JsonObject().put("missing", new JsonArray(r.missing()))
                        .put("disagreements", new JsonArray(r.disagreements()))));
            }
        });
    }

    /** The last result ({@code null} until Kafka answered once). */
    public Result last() {
        return last;
    }

    private Future<Result> run() {
        lastCheckedAt = System.currentTimeMillis();
        return vertx.executeBlocking(this::describe, false).map(partitions -> {
            Result result = evaluate(expectation, partitions);
            Result before = last;
            last = result;
            if (!result.missing().isEmpty() && (before == null || !before.missing().equals(result.missing()))) {
                LOG.error("{} is missing topics {}: it is not ready until they exist (create them as deploy/k8s/components/topics "
                        + "declares; the broker does not create topics by itself)", expectation.service(), result.missing());
            } else if (result.missing().isEmpty() && before != null && !before.missing().isEmpty()) {
                LOG.info("{}: every topic it uses exists now", expectation.service());
            }
            return result;
        }).recover(e -> {
            LOG.warn("{} could not describe its topics {} (asked again by the readiness check): {}", expectation.service(),
                    topics(), e.toString());
            return Future.succeededFuture(null);
        });
    }

    private Set<String> topics() {
        Set<String> all = new LinkedHashSet<>(expectation.required());
        expectation.samePartitions().forEach(all::addAll);
        return all;
    }

    private Map<String, Integer> describe() throws Exception {
        Map<String, Integer> partitions = new HashMap<>();
        try (Admin admin = Admin.create(adminProps)) {
            for (var entry : admin.describeTopics(topics()).topicNameValues().entrySet()) {
                try {
                    TopicDescription description = entry.getValue().get(DESCRIBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    partitions.put(entry.getKey(), description.partitions().size());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    }
                }
            }
        }
        return partitions;
    }
}
