package com.subsets.sync.provisioner;

import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.runtime.KafkaClientConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Which subscribers of a tenant a destination's dead-letter topic holds since a time: a replay sends them again
 * with their current state. A dead letter carries the original record (a subscriber's state, or an event when
 * the dispatcher read events); one that is neither names no subscriber and is left out. Reads on a worker
 * thread, every partition from the first record at or after {@code since} to the end it had when the scan began.
 */
public final class DeadLetterScan {

    private static final Duration POLL = Duration.ofMillis(500);
    /** Polls in a row that move no partition before the scan gives up rather than answer with part of the topic. */
    private static final int MAX_IDLE_POLLS = 40;

    private final Vertx vertx;
    private final ProvisionerConfig config;

    public DeadLetterScan(Vertx vertx, ProvisionerConfig config) {
        this.vertx = vertx;
        this.config = config;
    }

    /**
     * The tenant's subscribers' state-topic keys ({@link SubscriberKey#ofState}), in the order first found, at most
     * {@code atMost}: the scan stops reading there (a replay asks for one more than its cap, to know it is above it,
     * and never holds more).
     */
    public Future<Set<String>> subscribers(String topic, String tenantId, Instant since, int atMost) {
        return vertx.executeBlocking(() -> scan(topic, tenantId, since, atMost), false);
    }

    /**
     * The vendor's words for each of these subscribers (state keys) dead-lettered since {@code since}: the last dead
     * letter's {@code dlq-error} (its {@code dlq-reason} when it has none). A test delivery's refusals.
     */
    public Future<Map<String, String>> refusals(String topic, String tenantId, Instant since, Set<String> keys) {
        return vertx.executeBlocking(() -> {
            Map<String, String> found = new HashMap<>();
            EventCodec events = new EventCodec();
            read(topic, since, record -> keyOf(record.value(), events, tenantId).filter(keys::contains).ifPresent(key -> {
                String words = header(record, "dlq-error");
                found.put(key, words != null ? words : java.util.Objects.requireNonNullElse(header(record, "dlq-reason"),
                        "dead-lettered"));
            }), () -> false);
            return found;
        }, false);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private Set<String> scan(String topic, String tenantId, Instant since, int atMost) {
        Set<String> found = new LinkedHashSet<>();
        EventCodec events = new EventCodec();
        read(topic, since, record -> {
            if (found.size() < atMost) {
                keyOf(record.value(), events, tenantId).ifPresent(found::add);
            }
        }, () -> found.size() >= atMost);
        return found;
    }

    /**
     * Hands {@code each} every record of the topic since {@code since}, to the end each partition had at the start, or
     * until {@code enough} says so (checked after each poll).
     */
    private void read(String topic, Instant since, java.util.function.Consumer<ConsumerRecord<String, byte[]>> each,
                      java.util.function.BooleanSupplier enough) {
        Map<String, Object> props = new HashMap<>(KafkaClientConfig.consumer(config.bootstrapServers(), config.kafkaProperties(),
                "provisioner-replay", "unused", 2_000));
        props.remove("group.id");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(p -> times.put(p, since.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
            List<TopicPartition> toRead = partitions.stream()
                    .filter(p -> starts.get(p) != null && starts.get(p).offset() < ends.get(p)).toList();
            consumer.assign(toRead);
            toRead.forEach(p -> consumer.seek(p, starts.get(p).offset()));
            int idle = 0;
            while (!enough.getAsBoolean() && toRead.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                long moved = 0;
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    moved++;
                    TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(p) && record.timestamp() >= since.toEpochMilli()) {
                        each.accept(record);
                    }
                }
                idle = moved == 0 ? idle + 1 : 0;
                if (idle >= MAX_IDLE_POLLS) {
                    throw new IllegalStateException("the dead-letter topic " + topic + " could not be read to its end");
                }
            }
        }
    }

    private static java.util.Optional<String> keyOf(byte[] value, EventCodec events, String tenantId) {
        if (value == null) {
            return java.util.Optional.empty();
        }
        try {
            StateRecord state = StateRecordCodec.decode(value);
            return state.tenantId().equals(tenantId)
                    ? java.util.Optional.of(SubscriberKey.ofState(tenantId, state.subscriber()).encode()) : java.util.Optional.empty();
        } catch (IllegalArgumentException notAState) {
            DecodeResult decoded = events.decode(value);
            return decoded.isValid() && decoded.event().tenantId().equals(tenantId)
                    // The state key of the subscriber the event names (an e-mail-only event whose e-mail is linked names a
                    // userId this scan cannot see: that subscriber is not found).
                    ? java.util.Optional.of(SubscriberKey.ofState(tenantId, decoded.event().subscriber()).encode())
                    : java.util.Optional.empty();
        }
    }
}
