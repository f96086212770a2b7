package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventValidator;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.provisioner.DoneOffsets;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the erasures the state service writes ({@code subsets.erasures.v1}), one record at a time, each in one
 * transaction ({@link ErasureStore#record}): the erasure and its pending rows, the subscriber's delivery rows and
 * run-history identifiers gone, their segment memberships removed with each exit published (acknowledged by Kafka)
 * before the commit. An offset is committed (on a timer) only after its record is applied. A record that cannot be
 * read is logged by its position only (it may hold identifiers) and passed over; a record whose transaction fails is
 * tried again with backoff, the partitions paused while the queue is at its bound (the consumer keeps polling).
 */
public final class ErasureConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureConsumer.class);
    private static final int MAX_POLL_RECORDS = 100;
    private static final int MAX_QUEUED = 200;

    private final Vertx vertx;
    private final ErasureStore store;
    private final ErasureMetrics metrics;
    private final Function<List<SegmentMembership>, Future<Void>> publishExits;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final DoneOffsets done = new DoneOffsets();
    private final ArrayDeque<KafkaConsumerRecord<String, byte[]>> queue = new ArrayDeque<>();
    private boolean applying;
    private boolean paused;
    private boolean closed;
    private long commitTimer = -1;

    public ErasureConsumer(Vertx vertx, String bootstrapServers, Map<String, String> kafkaProperties, String topic, String groupId,
                           ErasureStore store, Function<List<SegmentMembership>, Future<Void>> publishExits, ErasureMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.metrics = metrics;
        this.publishExits = publishExits;
        this.topic = topic;
        this.consumer = KafkaConsumer.create(vertx, KafkaClientConfig.consumer(bootstrapServers, kafkaProperties,
                "provisioner-erasures", groupId, MAX_POLL_RECORDS));
    }

    public Future<Void> start() {
        consumer.handler(this::take);
        consumer.exceptionHandler(e -> LOG.warn("erasures consumer error: {}", e.toString()));
        commitTimer = vertx.setPeriodic(1000, t -> done.commit(consumer));
        return consumer.subscribe(topic);
    }

    private void take(KafkaConsumerRecord<String, byte[]> record) {
        queue.add(record);
        if (!paused && queue.size() >= MAX_QUEUED) {
            paused = true;
            consumer.assignment().onSuccess(consumer::pause);
        }
        applyNext();
    }

    private void applyNext() {
        if (applying || closed) {
            return;
        }
        KafkaConsumerRecord<String, byte[]> record = queue.poll();
        if (record == null) {
            if (paused) {
                paused = false;
                consumer.assignment().onSuccess(consumer::resume);
            }
            return;
        }
        Erasure erasure;
        try {
            erasure = Erasure.decode(record.value());
            if (!ErasureStatus.isErasureId(erasure.erasureId()) || !EventValidator.TENANT_ID.matcher(erasure.tenantId()).matches()) {
                throw new IllegalArgumentException("an erasure id or a tenant id off the contract's rules");
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // Never the decoder's message: it may quote the record, and the record names the subscriber.
            LOG.warn("passing over an unreadable erasure record at {}/{}@{} ({})", record.topic(), record.partition(), record.offset(),
                    e.getClass().getSimpleName());
            metrics.unreadable();
            done.done(record);
            applyNext();
            return;
        }
        applying = true;
        apply(erasure, record, 1);
    }

    private void apply(Erasure erasure, KafkaConsumerRecord<String, byte[]> record, int attempt) {
        store.record(erasure, publishExits).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info("erasure {} of tenant {} recorded ({} segment exits published)", erasure.erasureId(), erasure.tenantId(),
                        ar.result());
                metrics.recorded();
                done.done(record);
                applying = false;
                applyNext();
            } else if (closed) {
                applying = false;
            } else {
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                LOG.warn("erasure {} of tenant {} not recorded (attempt {}), again in {} ms: {}", erasure.erasureId(), erasure.tenantId(),
                        attempt, delay, ar.cause().toString());
                vertx.setTimer(delay, t -> apply(erasure, record, attempt + 1));
            }
        });
    }

    public Future<Void> close() {
        closed = true;
        vertx.cancelTimer(commitTimer);
        return done.commit(consumer).eventually(consumer::close);
    }
}
