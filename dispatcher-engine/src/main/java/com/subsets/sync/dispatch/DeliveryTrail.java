package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes, once a request's answer is known, what became of each of its rows (values sent, accepted, skipped or
 * dead-lettered with the reason and the vendor's words) to the subscriber-deliveries topic, for the provisioner's
 * per-subscriber view. Diagnostics only, so it never holds up delivery or offsets: the event loop captures the rows
 * (a small object each) and hands them to one sender thread, which encodes each answer as one record (or a few, at
 * {@value #MAX_RECORD_BYTES} bytes) keyed by tenant and hands it to a producer that batches and compresses. Rows
 * waiting beyond {@code maxPendingRows}, or that Kafka refuses, are counted as lost, never retried.
 */
final class DeliveryTrail {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryTrail.class);
    /** Well under the producer's max.request.size (1 MiB) with a compressed batch's overhead. */
    static final int MAX_RECORD_BYTES = 256 * 1024;
    /** The five fields cleared: what an erasure asks of every destination. */
    private static final Map<DestinationField, FieldValue> CLEARED = cleared();

    private final String destination;
    private final String topic;
    private final DispatcherMetrics metrics;
    private final int maxPendingRows;
    private final AtomicInteger pendingRows = new AtomicInteger();
    private final KafkaProducer<byte[], byte[]> producer;
    private final ExecutorService sender;
    /** The rows of one lane (one tenant) answered at one moment, gathered while a settle runs on the event loop. */
    private final Map<String, List<SubscriberDeliveries.Row>> gathering = new HashMap<>();
    private long gatheringAt;
    private volatile boolean lossLogged;

    DeliveryTrail(EngineConfig config, String destination, DispatcherMetrics metrics) {
        this.destination = destination;
        this.topic = config.deliveriesTopic();
        this.metrics = metrics;
        this.maxPendingRows = config.deliveriesMaxPendingRows();
        if (topic == null || topic.isBlank()) {
            this.producer = null;
            this.sender = null;
            return;
        }
        Map<String, Object> props = new HashMap<>(KafkaClientConfig.producer(config.bootstrapServers(), config.kafkaProperties(),
                destination + "-dispatcher-deliveries", KafkaClientConfig.BYTES_SERIALIZER, KafkaClientConfig.BYTES_SERIALIZER));
        props.put("acks", "1");
        props.put("enable.idempotence", "false");
        props.put("compression.type", "lz4");
        props.put("linger.ms", "200");
        props.put("batch.size", String.valueOf(512 * 1024));
        props.put("max.request.size", String.valueOf(2 * 1024 * 1024));
        // Only the sender thread waits here, never an event loop; a topic that is missing or a broker away fills the
        // bounded queue and the rows beyond it are counted as lost.
        props.put("max.block.ms", "500");
        // At least linger.ms + request.timeout.ms (30 s), or the producer refuses to start.
        props.put("delivery.timeout.ms", "60000");
        this.producer = new KafkaProducer<>(props);
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, destination + "-deliveries-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A row the vendor took; an erase row's reason says what the vendor did ({@code cleared}, {@code deleted}). An
     * erasure a row of values replaced is {@code cleared}: the row cleared every field it did not write.
     */
    void accepted(SubscriberUpdate row, Outcome outcome, long nowMillis) {
        String reason = row.erasure() == null ? null : outcome.reason();
        add(row, SubscriberDeliveries.Outcome.ACCEPTED, reason, null, reason == null ? "cleared" : reason, nowMillis);
    }

    /** An erasure nothing was sent for (the identity lacks the destination's identifier): its outcome all the same. */
    void erasureSkipped(Erasure erasure, String reason, String detail, long nowMillis) {
        if (producer == null) {
            return;
        }
        gatheringAt = nowMillis;
        gathering.computeIfAbsent(erasure.tenantId(), t -> new ArrayList<>()).add(new SubscriberDeliveries.Row(
                erasure.subscriber(), SubscriberDeliveries.Outcome.SKIPPED, reason, detail, CLEARED, erasure.erasureId()));
    }

    /** A row the vendor refused ({@code outcome} PERMANENT: dead-lettered) or rightly did not write (SKIPPED). */
    void refused(SubscriberUpdate row, Outcome outcome, long nowMillis) {
        add(row, outcome.kind() == Outcome.Kind.SKIPPED ? SubscriberDeliveries.Outcome.SKIPPED
                : SubscriberDeliveries.Outcome.DEAD_LETTERED, outcome.reason(), outcome.detail(), outcome.reason(), nowMillis);
    }

    /** A row given up on (dead-lettered without the vendor refusing it, e.g. {@code retries_exhausted}). */
    void deadLettered(SubscriberUpdate row, String reason, String detail, long nowMillis) {
        add(row, SubscriberDeliveries.Outcome.DEAD_LETTERED, reason, detail, reason, nowMillis);
    }

    /**
     * The row's line, and one per erasure it replaced ({@link SubscriberUpdate#replacedErasures()}): that erasure's
     * outcome is the row's, with {@code replacedReason}, so its status does not stay pending.
     */
    private void add(SubscriberUpdate row, SubscriberDeliveries.Outcome outcome, String reason, String detail,
                     String replacedReason, long nowMillis) {
        if (producer == null || row.identity() == null || row.tenantId() == null) {
            return;
        }
        gatheringAt = nowMillis;
        gathering.computeIfAbsent(row.tenantId(), t -> new ArrayList<>())
                .addAll(linesOf(row, outcome, reason, detail, replacedReason));
    }

    /**
     * The trail's lines for one row: one per erasure it replaced, with the row's outcome, then its own (after them: the
     * provisioner drops a subscriber's answers folded before an erasure's, and this one is the subscriber come back).
     */
    static List<SubscriberDeliveries.Row> linesOf(SubscriberUpdate row, SubscriberDeliveries.Outcome outcome, String reason,
                                                  String detail, String replacedReason) {
        List<SubscriberDeliveries.Row> lines = new ArrayList<>(1 + row.replacedErasures().size());
        for (Erasure replaced : row.replacedErasures()) {
            lines.add(new SubscriberDeliveries.Row(replaced.subscriber(), outcome, replacedReason, detail, CLEARED,
                    replaced.erasureId()));
        }
        lines.add(new SubscriberDeliveries.Row(row.identity(), outcome, reason, detail, row.fields(),
                row.erasure() == null ? null : row.erasure().erasureId()));
        return lines;
    }

    /** Hands what was gathered since the last call to the sender; called at the end of each settle (event loop). */
    void answered() {
        if (gathering.isEmpty()) {
            return;
        }
        Instant at = Instant.ofEpochMilli(gatheringAt);
        gathering.forEach((tenant, rows) -> hand(tenant, at, rows));
        gathering.clear();
    }

    private void hand(String tenant, Instant at, List<SubscriberDeliveries.Row> rows) {
        int n = rows.size();
        if (pendingRows.addAndGet(n) > maxPendingRows) {
            pendingRows.addAndGet(-n);
            lost(true, n, "more than " + maxPendingRows + " rows waiting to be sent");
            return;
        }
        sender.execute(new Send(tenant, at, rows));
    }

    /** One answer's rows, to encode and send on the sender thread. */
    private final class Send implements Runnable {
        private final String tenant;
        private final Instant at;
        private final List<SubscriberDeliveries.Row> rows;

        Send(String tenant, Instant at, List<SubscriberDeliveries.Row> rows) {
            this.tenant = tenant;
            this.at = at;
            this.rows = rows;
        }

        @Override
        public void run() {
            send(tenant, at, rows);
        }
    }

    /** On the sender thread. */
    private void send(String tenant, Instant at, List<SubscriberDeliveries.Row> rows) {
        try {
            byte[] key = tenant.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            List<byte[]> records = SubscriberDeliveries.encode(tenant, destination, at, rows, MAX_RECORD_BYTES);
            // Rows per record, to count each record's rows when Kafka answers: exact when the answer is one record (up to
            // 1,000 rows of about 100 bytes), an even share when an answer of long values and words was split.
            int perRecord = (rows.size() + records.size() - 1) / records.size();
            int left = rows.size();
            for (byte[] value : records) {
                int count = Math.min(perRecord, left);
                left -= count;
                producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
                    if (e == null) {
                        metrics.trailPublished(count);
                    } else {
                        lost(false, count, e.toString());
                    }
                });
            }
        } catch (RuntimeException e) {
            lost(false, rows.size(), e.toString());
        } finally {
            pendingRows.addAndGet(-rows.size());
        }
    }

    private void lost(boolean queueFull, int rows, String why) {
        metrics.trailLost(queueFull, rows);
        if (!lossLogged) {
            lossLogged = true;
            LOG.warn("{} subscriber-delivery rows not published to {} (diagnostics only; counted in "
                    + "dispatcher_subscriber_deliveries_lost_total, logged once): {}", rows, topic, why);
        }
    }

    /**
     * Sends what is waiting, within {@code timeoutMillis} at most 1 s for the sender and 1 s for the producer (a
     * diagnostic never holds a shutdown up); rows still waiting then are counted as lost. Off the event loop.
     */
    Future<Void> close(io.vertx.core.Vertx vertx, long timeoutMillis) {
        if (producer == null) {
            return Future.succeededFuture();
        }
        long wait = Math.max(1, Math.min(timeoutMillis, 1_000));
        Promise<Void> closed = Promise.promise();
        vertx.executeBlocking(() -> {
            sender.shutdown();
            if (!sender.awaitTermination(wait, TimeUnit.MILLISECONDS)) {
                // The one running ends interrupted (its rows counted where it fails); those never started are counted here.
                int left = sender.shutdownNow().stream().mapToInt(task -> ((Send) task).rows.size()).sum();
                if (left > 0) {
                    pendingRows.addAndGet(-left);
                    lost(false, left, "the dispatcher stopped before they were sent");
                }
            }
            producer.close(java.time.Duration.ofMillis(wait));
            return null;
        }, false).onComplete(ar -> closed.complete());
        return closed.future();
    }

    private static Map<DestinationField, FieldValue> cleared() {
        Map<DestinationField, FieldValue> fields = new java.util.EnumMap<>(DestinationField.class);
        for (DestinationField field : DestinationField.values()) {
            fields.put(field, FieldValue.CLEAR);
        }
        return java.util.Collections.unmodifiableMap(fields);
    }
}
