package com.subsets.sync.model;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every Kafka topic the system reads or writes, declared once: its name, partitions, cleanup policy and
 * retention. The local stack creates them from here, {@code deploy/k8s/components/topics} ships them as Strimzi
 * {@code KafkaTopic} resources (held to this list by the deploy module's tests), and each service checks at start
 * that the ones it uses exist.
 */
public final class TopicCatalog {

    /** The production partition count of the topics keyed by tenant: the ceiling of every consumer's replicas. */
    public static final int TENANT_PARTITIONS = 12;

    /**
     * One topic.
     *
     * @param retention how long a record is kept ({@link Optional#empty()}: kept until compaction replaces it)
     * @param purpose what it holds, who writes and who reads it
     * @param tombstoneRetention a compacted topic's {@code delete.retention.ms}: how long a tombstone stays readable
     *                           after compaction reached it ({@link Optional#empty()}: the broker's default, a day)
     * @param maxCompactionLag a compacted topic's {@code max.compaction.lag.ms}: how long a replaced record may stay
     *                         uncompacted at most ({@link Optional#empty()}: the broker's default, unbounded)
     */
    public record Topic(String name, int partitions, String cleanupPolicy, Optional<Duration> retention, String purpose,
                        Optional<Duration> tombstoneRetention, Optional<Duration> maxCompactionLag) {

        public Topic(String name, int partitions, String cleanupPolicy, Optional<Duration> retention, String purpose) {
            this(name, partitions, cleanupPolicy, retention, purpose, Optional.empty(), Optional.empty());
        }

        /**
         * The topic-level configuration to create it with ({@code cleanup.policy}, {@code retention.ms},
         * {@code delete.retention.ms}, {@code max.compaction.lag.ms}).
         */
        public Map<String, String> configs() {
            Map<String, String> configs = new LinkedHashMap<>();
            configs.put("cleanup.policy", cleanupPolicy);
            retention.ifPresent(r -> configs.put("retention.ms", String.valueOf(r.toMillis())));
            tombstoneRetention.ifPresent(r -> configs.put("delete.retention.ms", String.valueOf(r.toMillis())));
            maxCompactionLag.ifPresent(r -> configs.put("max.compaction.lag.ms", String.valueOf(r.toMillis())));
            return configs;
        }
    }

    private static final Duration WEEK = Duration.ofDays(7);
    private static final Duration MONTH = Duration.ofDays(30);

    public static final Topic ASSIGNMENT_EVENTS = new Topic(Topics.ASSIGNMENT_EVENTS, TENANT_PARTITIONS, "delete", Optional.of(WEEK),
            "assignment events, keyed by tenant; written by ingest and platform services, read by subscriber-state (which "
                    + "rebuilds from the start of this retention) and by dispatchers with *_INPUT=events");
    /**
     * Tombstones kept a week ({@code delete.retention.ms}): an erasure's tombstones, with their {@link Erasure#HEADER}
     * header, are what tells the dispatchers to clear the subscriber at the vendors, so a dispatcher may lag (or be down)
     * up to a week and still see them; past that it only sees the key gone. A replaced state is compacted away within a
     * day ({@code max.compaction.lag.ms}): a resync reads an erased subscriber's older state only while the erasures
     * topic (a week) still names them, and a dispatcher's resync refuses it then (ErasedIdentities).
     */
    public static final Topic SUBSCRIBER_STATE = new Topic(Topics.SUBSCRIBER_STATE, TENANT_PARTITIONS, "compact", Optional.empty(),
            "each subscriber's current state, partitioned by tenant like the events (same partition count); written by "
                    + "subscriber-state, read by the dispatchers", Optional.of(WEEK), Optional.of(Duration.ofDays(1)));
    public static final Topic ITERABLE_DEAD_LETTERS = deadLetters("iterable", "the Iterable dispatcher");
    public static final Topic BLUECONIC_DEAD_LETTERS = deadLetters("blueconic", "the BlueConic dispatcher");
    public static final Topic STATE_DEAD_LETTERS = deadLetters("subscriber-state", "subscriber-state");
    public static final Topic DELIVERY_REPORTS = new Topic(Topics.DELIVERY_REPORTS, 3, "delete", Optional.of(WEEK),
            "the dispatchers' delivery reports, read by the provisioner (PROVISIONER_REPORTS_REPLAY_WINDOW_MS is this retention)");
    public static final Topic SEGMENT_MEMBERSHIPS = new Topic(Topics.SEGMENT_MEMBERSHIPS, TENANT_PARTITIONS, "delete", Optional.of(WEEK),
            "subscribers entering and leaving followed BlueConic segments, keyed by tenant; written by the provisioner");

    public static final Topic SUBSCRIBER_DELIVERIES = new Topic(Topics.SUBSCRIBER_DELIVERIES, 6, "delete", Optional.of(WEEK),
            "what each destination made of each subscriber's row (one record per answer, keyed by tenant); written by the "
                    + "dispatchers, folded by the provisioner into one row per subscriber and destination");

    /** A week, as the events that name the same identifiers: a provisioner down longer misses erasures (alerted on lag). */
    public static final Topic ERASURES = new Topic(Topics.ERASURES, TENANT_PARTITIONS, "delete", Optional.of(WEEK),
            "one record per erasure applied (the subscriber's every known identifier), keyed by tenant; written by "
                    + "subscriber-state, read by the provisioner and by the dispatchers' resyncs (never to send an erased "
                    + "subscriber's older state)");

    private static final List<Topic> ALL = List.of(ASSIGNMENT_EVENTS, SUBSCRIBER_STATE, ITERABLE_DEAD_LETTERS, BLUECONIC_DEAD_LETTERS,
            STATE_DEAD_LETTERS, DELIVERY_REPORTS, SEGMENT_MEMBERSHIPS, SUBSCRIBER_DELIVERIES, ERASURES);

    private TopicCatalog() {
    }

    /** Every topic, in a fixed order. */
    public static List<Topic> all() {
        return ALL;
    }

    /** The declared topic of that name, if it is one. */
    public static Optional<Topic> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    private static Topic deadLetters(String destination, String writer) {
        // A month: a replay looks back 7 days by default, and a dead letter must outlive the fix of its cause.
        return new Topic(Topics.deadLetter(destination), 3, "delete", Optional.of(MONTH),
                "records " + writer + " will never deliver, with the dlq-* headers; read by the provisioner's replays");
    }
}
