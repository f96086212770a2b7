package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.dispatch.core.SourceRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.Map;

/**
 * Writes records that will never be delivered to the dispatcher's dead-letter topic: the original key,
 * value and headers, plus why (reason label, the destination's own error text), how many attempts,
 * when it first failed, and where it came from. Acknowledged (acks=all) before the offset may move.
 */
final class DeadLetterWriter {

    static final String REASON = "dlq-reason";
    static final String ERROR = "dlq-error";
    static final String ATTEMPTS = "dlq-attempts";
    static final String FIRST_FAILURE = "dlq-first-failure";
    static final String SOURCE = "dlq-source";
    static final String DESTINATION = "dlq-destination";
    static final String TRUNCATED = "dlq-truncated";
    private static final int MAX_ERROR_CHARS = 4096;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String destination;

    DeadLetterWriter(Vertx vertx, EngineConfig config, String destination) {
        Map<String, String> props = KafkaClientConfig.producer(config.bootstrapServers(), config.kafkaProperties(),
                destination + "-dispatcher-dlq", KafkaClientConfig.BYTES_SERIALIZER, KafkaClientConfig.BYTES_SERIALIZER);
        props.put("enable.idempotence", "true");
        this.producer = KafkaProducer.create(vertx, props);
        this.producer.exceptionHandler(e -> { });
        this.topic = config.deadLetterTopic();
        this.destination = destination;
    }

    /** The original record with why it is here. */
    Future<Void> write(SourceRecord record, String reason, String error, int attempts, long firstFailureMillis) {
        KafkaProducerRecord<byte[], byte[]> dead = KafkaProducerRecord.create(topic, record.key(), record.value());
        record.headers().forEach((name, value) -> dead.addHeader(name, Buffer.buffer(value)));
        return send(dead, record, reason, error, MAX_ERROR_CHARS, attempts, firstFailureMillis);
    }

    /**
     * For a record whose dead letter Kafka refused for good (larger than the producer's max.request.size with
     * its headers, say): no value and none of its headers, a short error, {@code dlq-truncated: true}, and
     * {@code dlq-source} pointing to the original, which stays on the input topic for its retention.
     */
    Future<Void> writeTruncated(SourceRecord record, String reason, String error, int attempts, long firstFailureMillis) {
        KafkaProducerRecord<byte[], byte[]> dead = KafkaProducerRecord.create(topic, record.key(), new byte[0]);
        dead.addHeader(TRUNCATED, "true");
        return send(dead, record, reason, error, 512, attempts, firstFailureMillis);
    }

    private Future<Void> send(KafkaProducerRecord<byte[], byte[]> dead, SourceRecord record, String reason, String error,
                              int maxErrorChars, int attempts, long firstFailureMillis) {
        dead.addHeader(REASON, reason);
        String text = error == null ? "" : error;
        dead.addHeader(ERROR, text.length() > maxErrorChars ? text.substring(0, maxErrorChars) : text);
        dead.addHeader(ATTEMPTS, String.valueOf(attempts));
        dead.addHeader(FIRST_FAILURE, Instant.ofEpochMilli(firstFailureMillis).toString());
        dead.addHeader(SOURCE, record.topic() + "/" + record.partition() + "@" + record.offset());
        dead.addHeader(DESTINATION, destination);
        return producer.send(dead).mapEmpty();
    }

    Future<Void> close() {
        return producer.flush().eventually(producer::close);
    }
}
