package com.subsets.sync.dispatch;

import com.subsets.sync.model.SubscriberKey;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one resync's records from the tenant's partition of the state topic, on a thread of its own with a
 * consumer of its own (assigned, no group: the dispatcher's commits are not its business), and hands them to
 * the engine's event loop. First it fixes the end (the partition's end when this run starts) and, on its first
 * run, counts the tenant's records up to it, for the progress; then it reads from the resync's position. It reads
 * only while fewer than {@code maxOutstanding} of its records are unresolved: the engine's explicit bound.
 */
final class ResyncReader {

    private static final Logger LOG = LoggerFactory.getLogger(ResyncReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Polls in a row that move nowhere before the reader gives up (the resync is tried again later). */
    private static final int MAX_IDLE_POLLS = 150;

    /** What the reader tells the engine; every call runs on the engine's context. */
    interface Sink {
        void counted(long endOffset, long total);

        /** Matching records read, and the offset below which everything was read. */
        void records(List<ConsumerRecord<String, byte[]>> matching, long readUpTo);

        void finished();

        void failed(String reason);
    }

    private final Map<String, Object> props;
    private final TopicPartition partition;
    private final DeliveryControl.ResyncJob job;
    private final String prefix;
    private final int maxOutstanding;
    private final Context context;
    private final Sink sink;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile KafkaConsumer<String, byte[]> consumer;

    ResyncReader(Map<String, String> consumerProps, String topic, int partition, DeliveryControl.ResyncJob job, int maxOutstanding,
                 Context context, Sink sink) {
        this.props = new HashMap<>(consumerProps);
        this.props.remove("group.id");
        this.props.put("client.id", consumerProps.getOrDefault("client.id", "dispatcher") + "-resync-" + job.id());
        // The state topic is written in transactions: only committed states are current ones.
        this.props.put("isolation.level", "read_committed");
        this.props.put("max.poll.records", String.valueOf(Math.max(100, Math.min(2_000, maxOutstanding / 2))));
        this.partition = new TopicPartition(topic, partition);
        this.job = job;
        this.prefix = SubscriberKey.prefixOf(job.tenantId());
        this.maxOutstanding = maxOutstanding;
        this.context = context;
        this.sink = sink;
    }

    void start() {
        Thread thread = new Thread(this::run, "resync-" + job.id());
        thread.setDaemon(true);
        thread.start();
    }

    /** One of its records is resolved: room for one more. */
    void resolvedOne() {
        outstanding.decrementAndGet();
    }

    void stop() {
        stopped.set(true);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private boolean matches(ConsumerRecord<String, byte[]> record) {
        String key = record.key();
        return key != null && key.startsWith(prefix) && (job.subscribers() == null || job.subscribers().contains(key));
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            c.assign(List.of(partition));
            long current = c.endOffsets(List.of(partition)).get(partition);
            // A resumed resync reads to the partition's end now, not where it ended when it first started: what the
            // live path sent before this run began (and its gate remembered) is so read again, after anything older.
            long end = job.endOffset() != null ? Math.max(job.endOffset(), current) : current;
            long total = job.total() != null ? job.total() : count(c, end);
            context.runOnContext(v -> sink.counted(end, total));
            long position = job.position() != null ? job.position() : job.fromOffset();
            seek(c, position);
            int idle = 0;
            while (!stopped.get() && c.position(partition) < end) {
                if (outstanding.get() >= maxOutstanding) {
                    Thread.sleep(5);
                    continue;
                }
                long before = c.position(partition);
                List<ConsumerRecord<String, byte[]>> matching = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                    if (record.offset() < end && matches(record)) {
                        matching.add(record);
                    }
                }
                long readUpTo = Math.min(c.position(partition), end);
                idle = readUpTo == before ? idle + 1 : 0;
                if (idle >= MAX_IDLE_POLLS) {
                    throw new IllegalStateException("the state topic's partition " + partition.partition() + " stopped at offset "
                            + readUpTo + " before " + end);
                }
                outstanding.addAndGet(matching.size());
                context.runOnContext(v -> sink.records(matching, readUpTo));
            }
            if (!stopped.get()) {
                context.runOnContext(v -> sink.finished());
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            if (!stopped.get()) {
                context.runOnContext(v -> sink.failed("interrupted"));
            }
        } catch (RuntimeException e) {
            LOG.warn("resync {} of tenant {} could not read the state topic: {}", job.id(), job.tenantId(), e.toString());
            if (!stopped.get()) {
                context.runOnContext(v -> sink.failed("reading the state topic: " + e.getMessage()));
            }
        }
    }

    /** The tenant's records (or the named subscribers') from the resync's start to {@code end}. */
    private long count(KafkaConsumer<String, byte[]> c, long end) {
        seek(c, job.fromOffset());
        long total = 0;
        int idle = 0;
        while (!stopped.get() && c.position(partition) < end) {
            long before = c.position(partition);
            for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                if (record.offset() < end && matches(record)) {
                    total++;
                }
            }
            idle = c.position(partition) == before ? idle + 1 : 0;
            if (idle >= MAX_IDLE_POLLS) {
                throw new IllegalStateException("the state topic's partition " + partition.partition() + " stopped at offset "
                        + before + " before " + end);
            }
        }
        return total;
    }

    /** An offset below the log's start (compacted or deleted away) reads from the start. */
    private void seek(KafkaConsumer<String, byte[]> c, long offset) {
        long start = c.beginningOffsets(List.of(partition)).get(partition);
        c.seek(partition, Math.max(offset, start));
    }
}
