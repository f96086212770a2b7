package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.ErasedIdentities;
import com.subsets.sync.model.SubscriberKey;
import io.vertx.core.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
 * The one reader of a state-topic partition for every resync of that partition on this replica: a thread and a
 * consumer of its own (assigned, no group: the dispatcher's commits are not its business). It reads in passes: a
 * pass serves the resyncs given to it together, from the lowest of their starts to the partition's end when the
 * pass begins, handing each its tenant's records (or the subscribers it names) to the engine's event loop; then it
 * waits for the next pass, or for {@link #finish()}. It reads only while every resync of the pass has fewer than
 * its bound of rows unresolved and all resyncs together are within their share of the buffers ({@link ResyncRows}).
 * Resyncs sharing a pass move at the pace of the slowest: it never skips a record one of them still needs. Before a
 * pass it reads the erasures of its tenants ({@link RecentErasures}), handed over with the pass's start: no state older
 * than its subscriber's erasure is sent.
 */
final class PartitionReader {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionReader.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Polls in a row that move nowhere before the reader gives up (its resyncs are tried again later). */
    private static final int MAX_IDLE_POLLS = 150;

    /** One resync a pass serves: its tenant's records from {@code start} on (only {@code keys} when named). */
    record Member(long id, String tenantId, long start, Set<String> keys, int bound, AtomicInteger outstanding) {
        Member(long id, String tenantId, long start, Set<String> keys, int bound) {
            this(id, tenantId, start, keys, bound, new AtomicInteger());
        }
    }

    /** A record read for one resync. */
    record Matched(Member member, ConsumerRecord<String, byte[]> record) {
    }

    /** What the reader tells the engine; every call runs on the engine's context. */
    interface Sink {
        /**
         * A pass begins; it reads up to {@code end}, the partition's end now; {@code erased}: the pass's tenants'
         * erasures of the last week, whose older states none of its records may send.
         */
        void passStarted(List<Member> members, long end, ErasedIdentities erased);

        /** Records read for the pass's resyncs, and the offset below which everything was read. */
        void records(List<Matched> matched, long readUpTo);

        void passEnded(List<Member> members);

        void failed(List<Member> members, String reason);
    }

    private final Map<String, Object> props;
    private final TopicPartition partition;
    /** The erasures topic (null: none read). */
    private final String erasuresTopic;
    private final ResyncRows rows;
    private final Context context;
    private final Sink sink;
    private final BlockingQueue<List<Member>> passes = new LinkedBlockingQueue<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** The current pass's resyncs by tenant; one that stops leaves it. */
    private volatile Map<String, Member> members = Map.of();
    private volatile KafkaConsumer<String, byte[]> consumer;

    PartitionReader(Map<String, String> consumerProps, String topic, String erasuresTopic, int partition, int maxPollRecords,
                    ResyncRows rows, Context context, Sink sink) {
        this.props = new HashMap<>(consumerProps);
        this.props.remove("group.id");
        this.props.put("client.id", consumerProps.getOrDefault("client.id", "dispatcher") + "-resync-p" + partition);
        // The state topic is written in transactions: only committed states are current ones.
        this.props.put("isolation.level", "read_committed");
        this.props.put("max.poll.records", String.valueOf(maxPollRecords));
        // Asking for the erasures topic must not create it.
        this.props.put("allow.auto.create.topics", "false");
        this.partition = new TopicPartition(topic, partition);
        this.erasuresTopic = erasuresTopic;
        this.rows = rows;
        this.context = context;
        this.sink = sink;
    }

    void start() {
        Thread thread = new Thread(this::run, "resync-reader-" + partition.partition());
        thread.setDaemon(true);
        thread.start();
    }

    /** The next pass, once the current one ended. */
    void nextPass(List<Member> pass) {
        passes.add(List.copyOf(pass));
    }

    /** No pass after the current one: the reader closes its consumer and ends. */
    void finish() {
        passes.add(List.of());
    }

    /** The resync stopped: the rest of the pass reads nothing more for it. */
    void drop(long resyncId) {
        Map<String, Member> left = new HashMap<>(members);
        left.values().removeIf(m -> m.id() == resyncId);
        members = Map.copyOf(left);
    }

    /** Stops now, within the current poll. */
    void stop() {
        stopped.set(true);
        finish();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void run() {
        List<Member> pass = List.of();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            consumer = c;
            c.assign(List.of(partition));
            while (!stopped.get()) {
                pass = passes.take();
                if (pass.isEmpty()) {
                    break;
                }
                read(c, pass);
            }
        } catch (WakeupException | InterruptException | InterruptedException e) {
            if (!stopped.get()) {
                fail(pass, "interrupted");
            }
        } catch (RuntimeException e) {
            LOG.warn("resync reader of partition {} could not read the state topic: {}", partition.partition(), e.toString());
            if (!stopped.get()) {
                fail(pass, "reading the state topic: " + e.getMessage());
            }
        }
    }

    private void read(KafkaConsumer<String, byte[]> c, List<Member> pass) throws InterruptedException {
        Map<String, Member> byTenant = new HashMap<>();
        pass.forEach(m -> byTenant.put(m.tenantId(), m));
        members = Map.copyOf(byTenant);
        long end = c.endOffsets(List.of(partition)).get(partition);
        // Read after the state topic's end is known: an erasure is written in the same transaction as its tombstones,
        // so every erasure whose tombstones the pass reads is among these.
        ErasedIdentities erased = RecentErasures.read(c, erasuresTopic, partition.partition(), byTenant.keySet());
        c.assign(List.of(partition));
        context.runOnContext(v -> sink.passStarted(pass, end, erased));
        long from = pass.stream().mapToLong(Member::start).min().orElse(end);
        c.seek(partition, Math.max(from, c.beginningOffsets(List.of(partition)).get(partition)));
        int idle = 0;
        while (!stopped.get() && c.position(partition) < end && !members.isEmpty()) {
            if (!hasRoom()) {
                Thread.sleep(5);
                continue;
            }
            long before = c.position(partition);
            List<Matched> matched = new ArrayList<>();
            long size = 0;
            Map<String, Member> current = members;
            for (ConsumerRecord<String, byte[]> record : c.poll(POLL)) {
                Member member = record.key() == null || record.offset() >= end ? null : current.get(SubscriberKey.tenantOf(record.key()));
                if (member != null && record.offset() >= member.start() && (member.keys() == null || member.keys().contains(record.key()))) {
                    matched.add(new Matched(member, record));
                    member.outstanding().incrementAndGet();
                    size += sizeOf(record);
                }
            }
            long readUpTo = Math.min(c.position(partition), end);
            idle = readUpTo == before ? idle + 1 : 0;
            if (idle >= MAX_IDLE_POLLS) {
                throw new IllegalStateException("the state topic's partition " + partition.partition() + " stopped at offset "
                        + readUpTo + " before " + end);
            }
            rows.taken(matched.size(), size);
            context.runOnContext(v -> sink.records(matched, readUpTo));
        }
        members = Map.of();
        if (!stopped.get()) {
            context.runOnContext(v -> sink.passEnded(pass));
        }
    }

    private boolean hasRoom() {
        return rows.hasRoom() && members.values().stream().allMatch(m -> m.outstanding().get() < m.bound());
    }

    private void fail(List<Member> pass, String reason) {
        context.runOnContext(v -> sink.failed(pass, reason));
    }

    static long sizeOf(ConsumerRecord<String, byte[]> record) {
        return record.key().length() + (record.value() == null ? 0 : record.value().length);
    }

    /** A record's headers (an erasure tombstone's {@code subsets-erasure} among them), for routing and dead letters. */
    static Map<String, byte[]> headersOf(ConsumerRecord<String, byte[]> record) {
        if (!record.headers().iterator().hasNext()) {
            return Map.of();
        }
        Map<String, byte[]> headers = new java.util.LinkedHashMap<>();
        for (org.apache.kafka.common.header.Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        return headers;
    }
}
