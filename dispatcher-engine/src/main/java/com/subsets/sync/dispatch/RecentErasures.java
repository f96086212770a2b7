package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.ErasedIdentities;
import com.subsets.sync.model.Erasure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, for a resync's pass, the erasures of its tenants from the erasures topic ({@code *_ERASURES_TOPIC},
 * {@code subsets.erasures.v1}: every erasure of the last 7 days, keyed and partitioned by tenant like the state topic,
 * so a tenant's erasures are in the partition of the same number). It reads that partition whole, from its beginning to
 * its end now, at most the newest {@value #MAX_RECORDS} records (about 200 bytes each: 20 MB at most while they are
 * read; only the pass's tenants' identifiers are kept). On the partition reader's own thread, with its consumer.
 *
 * <p>A topic that is missing (or has fewer partitions) is logged once and read as no erasure: the resync then goes on
 * as before, held back only by what the lane's {@link com.subsets.sync.dispatch.core.DeliveryGate} remembers.
 */
final class RecentErasures {

    private static final Logger LOG = LoggerFactory.getLogger(RecentErasures.class);
    /** Records read at most per pass: the newest ones (a week of erasures of a partition's tenants). */
    static final int MAX_RECORDS = 100_000;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MAX_IDLE_POLLS = 150;
    private static final AtomicBoolean MISSING_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean BOUND_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean INVALID_LOGGED = new AtomicBoolean();

    private RecentErasures() {
    }

    /**
     * The erasures of {@code tenants} in partition {@code partition} of {@code topic} (none when {@code topic} is null
     * or blank). Leaves the consumer assigned to nothing: the caller assigns what it reads next.
     */
    static ErasedIdentities read(KafkaConsumer<String, byte[]> consumer, String topic, int partition, Set<String> tenants) {
        ErasedIdentities erased = new ErasedIdentities();
        if (topic == null || topic.isBlank() || tenants.isEmpty()) {
            return erased;
        }
        List<PartitionInfo> partitions = consumer.partitionsFor(topic);
        if (partitions == null || partitions.stream().noneMatch(p -> p.partition() == partition)) {
            if (MISSING_LOGGED.compareAndSet(false, true)) {
                LOG.warn("the erasures topic {} is missing or has no partition {}: resyncs read no erasure, and may send an "
                        + "erased subscriber's older state again (logged once)", topic, partition);
            }
            return erased;
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        if (end - begin > MAX_RECORDS && BOUND_LOGGED.compareAndSet(false, true)) {
            LOG.warn("the erasures topic {} holds {} records in partition {}: a resync reads the newest {} only (logged once)",
                    topic, end - begin, partition, MAX_RECORDS);
        }
        consumer.seek(tp, Math.max(begin, end - MAX_RECORDS));
        int idle = 0;
        while (consumer.position(tp) < end) {
            long before = consumer.position(tp);
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end && record.value() != null && tenants.contains(record.key())) {
                    add(erased, topic, record);
                }
            }
            idle = consumer.position(tp) == before ? idle + 1 : 0;
            if (idle >= MAX_IDLE_POLLS) {
                throw new IllegalStateException("the erasures topic's partition " + partition + " stopped at offset "
                        + consumer.position(tp) + " before " + end);
            }
        }
        consumer.assign(List.of());
        return erased;
    }

    private static void add(ErasedIdentities erased, String topic, ConsumerRecord<String, byte[]> record) {
        try {
            erased.add(Erasure.decode(record.value()));
        } catch (IllegalArgumentException e) {
            if (INVALID_LOGGED.compareAndSet(false, true)) {
                LOG.warn("an erasure in {} partition {} at offset {} cannot be read, left out (logged once): {}", topic,
                        record.partition(), record.offset(), e.getMessage());
            }
        }
    }
}
