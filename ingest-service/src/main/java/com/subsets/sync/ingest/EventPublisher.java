package com.subsets.sync.ingest;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.RecordContract;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a request's events to Kafka and completes only when Kafka acknowledged every one (acks=all,
 * idempotent producer). Bytes awaiting acknowledgement are bounded by {@link InFlightBudget}; past it,
 * or when a send fails or times out, the request fails with {@link ErrorCode#UNAVAILABLE}.
 */
final class EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final byte[] CONTENT_TYPE = RecordContract.CONTENT_TYPE.getBytes(StandardCharsets.UTF_8);

    private final Vertx vertx;
    private final RecordSender sender;
    private final InFlightBudget budget;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final EventCodec codec = new EventCodec();

    EventPublisher(Vertx vertx, IngestConfig config, InFlightBudget budget, IngestMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.budget = budget;
        this.metrics = metrics;
        this.sender = new RecordSender(new KafkaProducer<>(producerConfig(config)));
    }

    static Map<String, Object> producerConfig(IngestConfig config) {
        long timeoutMs = config.publishTimeout().toMillis();
        long lingerMs = 5;
        Map<String, Object> props = new HashMap<>(KafkaClientConfig.producer(config.bootstrapServers(), Map.of(),
                "ingest-service", KafkaClientConfig.STRING_SERIALIZER, KafkaClientConfig.BYTES_SERIALIZER));
        props.put("enable.idempotence", "true");
        props.put("max.in.flight.requests.per.connection", "5");
        props.put("linger.ms", String.valueOf(lingerMs));
        props.put("batch.size", String.valueOf(64 * 1024));
        // A send fails by itself within the publish timeout, so the caller gets its 503 in time.
        props.put("delivery.timeout.ms", String.valueOf(timeoutMs));
        props.put("request.timeout.ms", String.valueOf(timeoutMs - lingerMs));
        props.put("max.block.ms", String.valueOf(timeoutMs));
        // The producer's own buffer must never be what fills first: the in-flight budget refuses before it.
        props.put("buffer.memory", String.valueOf(Math.max(32L << 20, 2 * config.maxInFlightBytes())));
        // KAFKA_PROPERTY_* last: an operator's setting wins over these defaults.
        props.putAll(config.kafkaProperties());
        return props;
    }

    Future<Void> publish(List<AssignmentEvent> events) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(events.size());
        long bytes = 0;
        for (AssignmentEvent event : events) {
            ProducerRecord<String, byte[]> record = toRecord(event);
            records.add(record);
            bytes += record.value().length + record.key().length();
        }
        if (!budget.tryAcquire(bytes)) {
            return Future.failedFuture(new IngestException(ErrorCode.UNAVAILABLE,
                    "too many events are awaiting Kafka's acknowledgement; retry later", List.of(), events.size()));
        }
        long held = bytes;
        long started = System.nanoTime();
        return sender.send(vertx, records, config.publishTimeout())
                .onComplete(ar -> budget.release(held))
                .onSuccess(v -> metrics.published(System.nanoTime() - started, true))
                .recover(failure -> {
                    metrics.published(System.nanoTime() - started, false);
                    LOG.warn("publish of {} events failed: {}", events.size(), failure.toString());
                    return Future.failedFuture(new IngestException(ErrorCode.UNAVAILABLE,
                            "Kafka did not acknowledge every event within " + config.publishTimeout().toMillis()
                                    + " ms; retry the whole request (eventIds make a retry safe)",
                            List.of(), events.size()));
                });
    }

    private ProducerRecord<String, byte[]> toRecord(AssignmentEvent event) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topic(), RecordContract.keyOf(event), codec.encode(event));
        record.headers().add(new RecordHeader(RecordContract.HEADER_EVENT_TYPE,
                event.type().wireName().getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader(RecordContract.HEADER_CONTENT_TYPE, CONTENT_TYPE));
        return record;
    }

    /** Sends what is buffered, then closes; in-flight sends complete or fail first. */
    Future<Void> close() {
        return sender.close(vertx);
    }
}
