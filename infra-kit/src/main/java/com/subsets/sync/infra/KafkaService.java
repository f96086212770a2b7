package com.subsets.sync.infra;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** A real Kafka cluster reachable on {@link #bootstrapServers()}. */
public interface KafkaService extends AutoCloseable {

    String bootstrapServers();

    /** Creates topics with one replica each (idempotent), so tests control partition counts. */
    default void createTopics(int partitions, String... names) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = java.util.Arrays.stream(names)
                    .map(name -> new NewTopic(name, partitions, (short) 1))
                    .toList();
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            awaitKnown(admin, names);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not create topics " + List.of(names), e);
        }
    }

    /**
     * The controller has committed the topics, but the broker may lag it a moment (KRaft): wait until
     * every partition has a leader, so the first produce finds one. (A produce that meets NOT_LEADER
     * first can leave an idempotent producer retrying out-of-order sequences for minutes.)
     */
    private static void awaitKnown(Admin admin, String... names) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                var descriptions = admin.describeTopics(Set.of(names)).allTopicNames().get(10, TimeUnit.SECONDS);
                boolean led = descriptions.values().stream().flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                if (led) {
                    // Metadata names a leader a moment before the broker acts as one; ListOffsets is answered
                    // by the leader itself (NOT_LEADER until it is), and writes nothing.
                    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
                    descriptions.forEach((topic, d) -> d.partitions().forEach(p -> latest.put(
                            new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                            org.apache.kafka.clients.admin.OffsetSpec.latest())));
                    admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + List.of(names) + " have no leader yet");
                }
                Thread.sleep(50);
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + List.of(names) + " never became known", e.getCause());
                }
                Thread.sleep(50);
            }
        }
    }

    /** Client settings that reach this cluster. */
    default Map<String, String> clientConfig() {
        return Map.of("bootstrap.servers", bootstrapServers());
    }

    @Override
    void close();
}
