package com.subsets.sync.provisioner;

import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.runtime.TenantPartition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A few subscribers' current states, read from the state topic: the tenant's partition (the state service places
 * a tenant's states on one) from its start to the end it had when the read began, the last record of each key kept
 * (a tombstone forgets it). The topic is compacted, so this reads about one record per subscriber of the tenants on
 * that partition. On a worker thread; a test delivery's "what was sent".
 */
public final class StateLookup {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final int MAX_IDLE_POLLS = 40;

    private final Vertx vertx;
    private final ProvisionerConfig config;

    public StateLookup(Vertx vertx, ProvisionerConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /** The state of each of these keys ({@code SubscriberKey.ofState(...).encode()}) that has one. */
    public Future<Map<String, StateRecord>> states(String tenantId, Set<String> keys) {
        return vertx.executeBlocking(() -> read(config.stateTopic(), tenantId, keys), false);
    }

    private Map<String, StateRecord> read(String topic, String tenantId, Set<String> keys) {
        Map<String, Object> props = new HashMap<>(KafkaClientConfig.consumer(config.bootstrapServers(), config.kafkaProperties(),
                "provisioner-test-delivery", "unused", 2_000));
        props.remove("group.id");
        Map<String, StateRecord> found = new HashMap<>();
        props.put("isolation.level", "read_committed");
        props.put("allow.auto.create.topics", "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<org.apache.kafka.common.PartitionInfo> info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (info == null || info.isEmpty()) {
                throw new IllegalStateException("the state topic " + topic + " does not exist");
            }
            int partitions = info.size();
            TopicPartition partition = new TopicPartition(topic, TenantPartition.of(tenantId, partitions));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int idle = 0;
            while (consumer.position(partition) < end) {
                long moved = 0;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    moved++;
                    if (record.offset() < end && record.key() != null && keys.contains(record.key())) {
                        if (record.value() == null) {
                            found.remove(record.key());
                        } else {
                            StateRecord state = StateRecordCodec.decode(record.value());
                            found.put(record.key(), state);
                        }
                    }
                }
                idle = moved == 0 ? idle + 1 : 0;
                if (idle >= MAX_IDLE_POLLS) {
                    throw new IllegalStateException("the state topic " + topic + " could not be read to its end");
                }
            }
        }
        return found;
    }
}
