package com.subsets.sync.ingest;

import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.RecordContract;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a request's events to Kafka and completes only when Kafka acknowledged every one (acks=all,
 * idempotent producer). Bytes awaiting acknowledgement are bounded by {@link InFlightBudget}; past it,
 * or when a send fails or times out, the request fails with {@link ErrorCode#UNAVAILABLE}.
 */
final class EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    /** Kafka fails a send by itself after delivery.timeout.ms; this margin only guards against a lost callback. */
    private static final long GUARD_MARGIN_MS = 1_000;

    private final KafkaProducer<String, Buffer> producer;
    private final InFlightBudget budget;
    private final IngestMetrics metrics;
    private final IngestConfig config;
    private final EventCodec codec = new EventCodec();

    EventPublisher(Vertx vertx, IngestConfig config, InFlightBudget budget, IngestMetrics metrics) {
        this.config = config;
        this.budget = budget;
        this.metrics = metrics;
        this.producer = KafkaProducer.create(vertx, producerConfig(config));
        // Every send's failure is handled through its future; this only keeps the duplicate report quiet.
        this.producer.exceptionHandler(e -> LOG.debug("producer reported {}", e.toString()));
    }

    static Map<String, String> producerConfig(IngestConfig config) {
        long timeoutMs = config.publishTimeout().toMillis();
        long lingerMs = 5;
        Map<String, String> props = KafkaClientConfig.producer(config.bootstrapServers(), Map.of(), "ingest-service",
                KafkaClientConfig.STRING_SERIALIZER, "io.vertx.kafka.client.serialization.BufferSerializer");
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
        List<KafkaProducerRecord<String, Buffer>> records = new ArrayList<>(events.size());
        long bytes = 0;
        for (AssignmentEvent event : events) {
            KafkaProducerRecord<String, Buffer> record = toRecord(event);
            records.add(record);
            bytes += sizeOf(record);
        }
        if (!budget.tryAcquire(bytes)) {
            return Future.failedFuture(new IngestException(ErrorCode.UNAVAILABLE,
                    "too many events are awaiting Kafka's acknowledgement; retry later", List.of(), events.size()));
        }
        long started = System.nanoTime();
        List<Future<?>> sends = new ArrayList<>(records.size());
        for (KafkaProducerRecord<String, Buffer> record : records) {
            long size = sizeOf(record);
            sends.add(producer.send(record).onComplete(ar -> budget.release(size)));
        }
        return Future.all(sends)
                .timeout(config.publishTimeout().toMillis() + GUARD_MARGIN_MS, TimeUnit.MILLISECONDS)
                .<Void>mapEmpty()
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

    private KafkaProducerRecord<String, Buffer> toRecord(AssignmentEvent event) {
        KafkaProducerRecord<String, Buffer> record = KafkaProducerRecord.create(
                config.topic(), RecordContract.keyOf(event), Buffer.buffer(codec.encode(event)));
        record.addHeader(RecordContract.HEADER_EVENT_TYPE, event.type().wireName());
        record.addHeader(RecordContract.HEADER_CONTENT_TYPE, RecordContract.CONTENT_TYPE);
        return record;
    }

    private static long sizeOf(KafkaProducerRecord<String, Buffer> record) {
        return record.value().length() + record.key().length();
    }

    /** Sends what is buffered, then closes; in-flight sends complete or fail first. */
    Future<Void> close() {
        return producer.flush().eventually(producer::close);
    }
}
