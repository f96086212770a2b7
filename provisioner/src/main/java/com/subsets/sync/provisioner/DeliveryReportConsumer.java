package com.subsets.sync.provisioner;

import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.provisioner.store.DeliveryHistoryStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the dispatchers' delivery reports into the history, one at a time: the stream is paused while
 * a report is written, and its offset is committed (on a timer) only after the write. A report that
 * cannot be read is logged and passed over; a write that fails is tried again until it succeeds, so
 * no report is lost while PostgreSQL is away.
 */
public final class DeliveryReportConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReportConsumer.class);

    private final Vertx vertx;
    private final DeliveryHistoryStore history;
    private final ProvisionerMetrics metrics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    /** Reports queued before the partitions pause (a poll takes at most 200; one more may be on its way). */
    private static final int MAX_QUEUED = 500;

    private final DoneOffsets done = new DoneOffsets();
    /** Reports taken and not yet written, in order: written one at a time. */
    private final java.util.ArrayDeque<KafkaConsumerRecord<String, byte[]>> queue = new java.util.ArrayDeque<>();
    private final java.time.Duration replayWindow;
    private boolean writing;
    private boolean paused;
    private long commitTimer = -1;
    private long purgeTimer = -1;

    public DeliveryReportConsumer(Vertx vertx, ProvisionerConfig config, DeliveryHistoryStore history, ProvisionerMetrics metrics) {
        this.vertx = vertx;
        this.history = history;
        this.metrics = metrics;
        this.topic = config.reportsTopic();
        this.replayWindow = config.reportsReplayWindow();
        this.consumer = KafkaConsumer.create(vertx, KafkaClientConfig.consumer(config.bootstrapServers(), config.kafkaProperties(),
                "provisioner-reports", config.reportsGroupId(), 200));
    }

    public Future<Void> start() {
        consumer.handler(this::take);
        consumer.exceptionHandler(e -> LOG.warn("report consumer error: {}", e.toString()));
        commitTimer = vertx.setPeriodic(1000, t -> commit());
        purgeTimer = vertx.setPeriodic(Math.min(600_000, Math.max(500, replayWindow.toMillis() / 2)), t -> purge());
        return consumer.subscribe(topic);
    }

    private void purge() {
        history.purgeApplied(replayWindow)
                .onSuccess(n -> {
                    if (n > 0) {
                        LOG.info("forgot {} applied report ids older than {}", n, replayWindow);
                    }
                })
                .onFailure(e -> LOG.warn("applied report ids not purged (again later): {}", e.toString()));
    }

    /**
     * Queues the report. While PostgreSQL is away the queue grows to a bound and the partitions are paused,
     * not the consumer: it keeps polling, so it stays in its group however long the database is gone.
     */
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
        KafkaConsumerRecord<String, byte[]> record = queue.poll();
        if (record == null) {
            if (paused) {
                paused = false;
                consumer.assignment().onSuccess(partitions -> consumer.resume(partitions));
            }
            return;
        }
        DeliveryReport report;
        try {
            report = DeliveryReport.decode(record.value());
        } catch (IllegalArgumentException e) {
            LOG.warn("passing over an unreadable report at {}/{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            metrics.report("unreadable");
            done.done(record);
            writeNext();
            return;
        }
        writing = true;
        write(report, record, 1);
    }

    private void write(DeliveryReport report, KafkaConsumerRecord<String, byte[]> record, int attempt) {
        history.apply(report).onComplete(ar -> {
            if (ar.succeeded()) {
                metrics.report(ar.result() ? "applied" : "duplicate");
                if (ar.result()) {
                    metrics.delivery(report);
                }
                done.done(record);
                writing = false;
                writeNext();
            } else {
                long delay = Math.min(30_000, 500L << Math.min(attempt, 6));
                LOG.warn("delivery report not written (attempt {}), again in {} ms: {}", attempt, delay, ar.cause().toString());
                vertx.setTimer(delay, t -> write(report, record, attempt + 1));
            }
        });
    }

    private Future<Void> commit() {
        return done.commit(consumer);
    }

    public Future<Void> close() {
        vertx.cancelTimer(commitTimer);
        vertx.cancelTimer(purgeTimer);
        return commit().eventually(consumer::close);
    }
}
