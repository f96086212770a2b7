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
        this.producer = KafkaProducer.create(vertx, props);
        this.producer.exceptionHandler(e -> { });
        this.topic = topic;
    }

    /** Completes once Kafka has every one of them; fails if any was refused (the read then publishes them again). */
    Future<Void> publish(List<SegmentMembership> changes) {
        return Future.all(changes.stream()
                .map(c -> producer.send(KafkaProducerRecord.create(topic, c.tenantId(), c.encode())))
                .toList()).mapEmpty();
    }

    Future<Void> close() {
        return producer.close();
    }
}
