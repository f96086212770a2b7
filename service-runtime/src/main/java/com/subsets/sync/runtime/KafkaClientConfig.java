package com.subsets.sync.runtime;

import java.util.HashMap;
import java.util.Map;

/**
 * The settings every Kafka client of the services starts from: the cluster, the pass-through
 * {@code KAFKA_PROPERTY_*} settings (security, for one), a client id, and the (de)serializers. Each
 * client adds what is its own (idempotence, timeouts, poll sizes).
 */
public final class KafkaClientConfig {

    public static final String STRING_SERIALIZER = "org.apache.kafka.common.serialization.StringSerializer";
    public static final String BYTES_SERIALIZER = "org.apache.kafka.common.serialization.ByteArraySerializer";
    public static final String STRING_DESERIALIZER = "org.apache.kafka.common.serialization.StringDeserializer";
    public static final String BYTES_DESERIALIZER = "org.apache.kafka.common.serialization.ByteArrayDeserializer";

    private KafkaClientConfig() {
    }

    /** A producer that waits for every in-sync replica (acks=all). */
    public static Map<String, String> producer(String bootstrapServers, Map<String, String> passThrough, String clientId,
                                               String keySerializer, String valueSerializer) {
        Map<String, String> props = base(bootstrapServers, passThrough, clientId);
        props.put("key.serializer", keySerializer);
        props.put("value.serializer", valueSerializer);
        props.put("acks", "all");
        return props;
    }

    /** A consumer of string keys and raw values that commits by hand and starts, when new, from the beginning. */
    public static Map<String, String> consumer(String bootstrapServers, Map<String, String> passThrough, String clientId,
                                               String groupId, int maxPollRecords) {
        Map<String, String> props = base(bootstrapServers, passThrough, clientId);
        props.put("group.id", groupId);
        props.put("key.deserializer", STRING_DESERIALIZER);
        props.put("value.deserializer", BYTES_DESERIALIZER);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", String.valueOf(maxPollRecords));
        return props;
    }

    private static Map<String, String> base(String bootstrapServers, Map<String, String> passThrough, String clientId) {
        Map<String, String> props = new HashMap<>(passThrough);
        props.put("bootstrap.servers", bootstrapServers);
        props.put("client.id", clientId);
        return props;
    }
}
