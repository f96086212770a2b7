package com.subsets.sync.provisioner.deliveries;

import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.provisioner.DoneOffsets;
import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.erasure.ErasureStore;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds the dispatchers' answer records ({@link SubscriberDeliveries}) into {@code subscriber_delivery}: the records
 * taken since the last write are folded ({@link DeliveryFold}: one row per subscriber and destination) and upserted in
 * one statement, one batch at a time; offsets are committed (on a timer) only after their batch is written. A record
 * that cannot be read is logged and passed over; a row that carried out an erasure (its erasureId set) is written as that
 * erasure's status at the destination ({@link ErasureStore#answers}), never as a delivery; a write that fails is tried again with backoff until it succeeds,
 * with the partitions paused once the queue reaches its bound (the consumer keeps polling, so it stays in its group).
 */
public final class SubscriberDeliveryConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriberDeliveryConsumer.class);
    /** Records a poll hands over; a record is one answer (up to 1,000 rows), so a batch is up to this many answers. */
    private static final int MAX_POLL_RECORDS = 100;
    /** Records one upsert folds at most. */
    private static final int MAX_BATCH_RECORDS = 50;
    /** Records queued before the partitions pause. */
    private static final int MAX_QUEUED = 300;

    private final Vertx vertx;
    private final SubscriberDeliveryStore store;
    private final ErasureStore erasures;
    private final ProvisionerMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DoneOffsets done = new DoneOffsets();
    private final ArrayDeque<KafkaConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean paused;
    private long commitTimer = -1;

    public SubscriberDeliveryConsumer(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties, String topic,
                                      String groupId, SubscriberDeliveryStore store, ErasureStore erasures, ProvisionerMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.erasures = erasures;
        this.metrics = metrics;
        this.topic = topic;
        this.consumer = KafkaConsumer.create(vertx, KafkaClientConfig.consumer(bootstrapServers, kafkaProperties,
                "provisioner-subscriber-deliveries", groupId, MAX_POLL_RECORDS));
    }

    public Future<Void> start() {
        consumer.handler(this::take);
        consumer.exceptionHandler(e -> LOG.warn("subscriber-deliveries consumer error: {}", e.toString()));
        commitTimer = vertx.setPeriodic(1000, t -> commit());
        return consumer.subscribe(topic);
    }

    private void take(KafkaConsumerRecord<String, byte[]> record) {
        queue.add(record);
        if (!paused && queue.size() >= MAX_QUEUED) {
            paused = true;
            consumer.assignment().onSuccess(partitions -> consumer.pause(partitions));
        }
        writeNext();
    }

    private void writeNext() {
        if (writing) {
            return;
        }
        if (queue.isEmpty()) {
            if (paused) {
                paused = false;
                consumer.assignment().onSuccess(partitions -> consumer.resume(partitions));
            }
            return;
        }
        List<KafkaConsumerRecord<String, byte[]>> batch = new ArrayList<>();
        DeliveryFold fold = new DeliveryFold();
        while (!queue.isEmpty() && batch.size() < MAX_BATCH_RECORDS) {
            KafkaConsumerRecord<String, byte[]> record = queue.poll();
            batch.add(record);
            try {
                fold.add(SubscriberDeliveries.decode(record.value()));
            } catch (IllegalArgumentException e) {
                LOG.warn("passing over an unreadable subscriber-deliveries record at {}/{}@{}: {}", record.topic(),
                        record.partition(), record.offset(), e.getMessage());
                metrics.subscriberDeliveryUnreadable();
            }
        }
        if (fold.isEmpty() && fold.erasures().isEmpty()) {
            batch.forEach(done::done);
            writeNext();
            return;
        }
        writing = true;
        write(fold, batch, 1);
    }

    private void write(DeliveryFold fold, List<KafkaConsumerRecord<String, byte[]>> batch, int attempt) {
        long started = System.nanoTime();
        Future<Integer> written = fold.isEmpty() ? Future.succeededFuture(0) : store.upsert(fold);
        // Both are idempotent: a batch tried again writes the same rows, and an erasure's status never goes back.
        written.compose(n -> fold.erasures().isEmpty() ? Future.succeededFuture(n)
                : erasures.answers(fold.erasures()).map(n)).onComplete(ar -> {
            if (ar.succeeded()) {
                metrics.subscriberDeliveries(batch.size(), fold.rows(), ar.result(), System.nanoTime() - started);
                batch.forEach(done::done);
                writing = false;
                writeNext();
            } else {
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                LOG.warn("subscriber deliveries not written (attempt {}), again in {} ms: {}", attempt, delay, ar.cause().toString());
                vertx.setTimer(delay, t -> write(fold, batch, attempt + 1));
            }
        });
    }

    private Future<Void> commit() {
        return done.commit(consumer);
    }

    public Future<Void> close() {
        vertx.cancelTimer(commitTimer);
        return commit().eventually(consumer::close);
    }
}
