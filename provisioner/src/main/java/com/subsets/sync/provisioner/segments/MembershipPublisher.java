package com.subsets.sync.provisioner.segments;

import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.List;
import java.util.Map;

/** Publishes membership changes to {@code subsets.segment-memberships.v1}, keyed by tenant, acknowledged by every replica. */
public final class MembershipPublisher {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    public MembershipPublisher(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties, String topic) {
        Map<String, String> props = KafkaClientConfig.producer(bootstrapServers, kafkaProperties, "provisioner-segments",
                KafkaClientConfig.STRING_SERIALIZER, KafkaClientConfig.BYTES_SERIALIZER);
        props.put("enable.idempotence", "true");
        props.put("linger.ms", "10");
        // A topic Kafka does not have blocks each send this long (60 s by default, one send after another): fail fast.
        props.putIfAbsent("max.block.ms", "5000");
        this.producer = KafkaProducer.create(vertx, props);
        this.producer.exceptionHandler(e -> { });
        this.topic = topic;
    }

    /**
     * Completes once Kafka has every one of them; fails with reason {@code publish_failed} if the topic is not there (a
     * single metadata wait, not one per change) or any change was refused: the read then publishes them again.
     */
    public Future<Void> publish(List<SegmentMembership> changes) {
        return producer.partitionsFor(topic)
                .recover(e -> Future.failedFuture(new SegmentReadException("publish_failed",
                        "Kafka topic " + topic + " is not available: " + e.getMessage())))
                .compose(partitions -> partitions.isEmpty()
                        ? Future.failedFuture(new SegmentReadException("publish_failed", "Kafka topic " + topic + " has no partitions"))
                        : Future.all(changes.stream()
                                .map(c -> producer.send(KafkaProducerRecord.create(topic, c.tenantId(), c.encode())))
                                .toList())
                        .recover(e -> Future.failedFuture(new SegmentReadException("publish_failed",
                                "Kafka did not take a change for topic " + topic + ": " + e.getMessage()))))
                .mapEmpty();
    }

    Future<Void> close() {
        return producer.close();
    }
}
