package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The engine's settings, read from the environment with a prefix per dispatcher
 * ({@code ITERABLE_}, {@code BLUECONIC_}) so both can run side by side with different tuning.
 */
public record EngineConfig(
        String bootstrapServers,
        InputFormat input,
        String topic,
        String groupId,
        String deadLetterTopic,
        Map<String, String> kafkaProperties,
        BatchLimits batchLimits,
        Duration backoffBase,
        Duration backoffCap,
        Duration giveUpAfter,
        Duration requestTimeout,
        int maxBufferedRecords,
        long maxBufferedBytes,
        int maxRememberedSends,
        Duration commitInterval,
        Duration shutdownTimeout,
        String reportsTopic,
        Duration reportInterval,
        Duration parkAfter,
        Duration probeInterval,
        int resyncMaxRunning,
        int resyncMaxReaders,
        String deliveriesTopic,
        int deliveriesMaxPendingRows,
        String erasuresTopic) {

    /**
     * @param prefix e.g. {@code ITERABLE_}
     * @param destination e.g. {@code iterable}: names the consumer group and the dead-letter topic
     * @param maxRows the vendor's batch size; {@code maxBytes} its body limit less a margin
     */
    public static EngineConfig fromEnv(EnvReader env, Set<String> names, String prefix, String destination,
                                       int maxRows, long maxBytes) {
        InputFormat input = input(env, prefix + "INPUT");
        return new EngineConfig(
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                input,
                env.string(prefix + "TOPIC", input.defaultTopic),
                env.string(prefix + "GROUP_ID", "subsets-sync." + destination + "-dispatcher"),
                env.string(prefix + "DEAD_LETTER_TOPIC", Topics.deadLetter(destination)),
                env.passThrough("KAFKA_PROPERTY_", names),
                new BatchLimits(
                        env.integer(prefix + "BATCH_MAX_ROWS", maxRows, 1, maxRows),
                        env.longValue(prefix + "BATCH_MAX_BYTES", maxBytes, 1024, maxBytes),
                        env.millis(prefix + "LINGER_MS", Duration.ofMillis(250), Duration.ZERO, Duration.ofMinutes(1))),
                env.millis(prefix + "RETRY_BASE_MS", Duration.ofMillis(200), Duration.ofMillis(1), Duration.ofMinutes(1)),
                env.millis(prefix + "RETRY_MAX_DELAY_MS", Duration.ofSeconds(30), Duration.ofMillis(1), Duration.ofMinutes(10)),
                env.millis(prefix + "RETRY_GIVE_UP_MS", Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofDays(1)),
                env.millis(prefix + "REQUEST_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofMinutes(5)),
                env.integer(prefix + "MAX_BUFFERED_RECORDS", 50_000, 100, 50_000_000),
                env.longValue(prefix + "MAX_BUFFERED_BYTES", 32L * 1024 * 1024, 1024 * 1024, 1L << 34),
                // About 150 bytes each (DeliveryGate): 200,000 is some 30 MB.
                env.integer(prefix + "GATE_MAX_SUBSCRIBERS", 200_000, 1_000, 50_000_000),
                env.millis(prefix + "COMMIT_INTERVAL_MS", Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(1)),
                env.millis(prefix + "SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(10)),
                env.string(prefix + "REPORTS_TOPIC", Topics.DELIVERY_REPORTS),
                env.millis(prefix + "REPORT_INTERVAL_MS", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(10)),
                env.millis(prefix + "PARK_AFTER_MS", Duration.ofMinutes(2), Duration.ZERO, Duration.ofDays(1)),
                env.millis(prefix + "PARK_PROBE_MS", Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(10)),
                // Their rows share half the buffer bounds whatever their number: these bound threads and lanes at work.
                env.integer(prefix + "RESYNC_MAX_RUNNING", 100, 1, 100_000),
                // A thread and a consumer each, reading a partition for every resync of it.
                env.integer(prefix + "RESYNC_MAX_READERS", 2, 1, 1_000),
                // What each answer made of each subscriber (DeliveryTrail); "none": not published.
                deliveriesTopic(env.string(prefix + "DELIVERIES_TOPIC", Topics.SUBSCRIBER_DELIVERIES)),
                // About 300 bytes each while they wait for the sender thread: 100,000 is some 30 MB at most.
                env.integer(prefix + "DELIVERIES_MAX_PENDING_ROWS", 100_000, 1_000, 10_000_000),
                // Every erasure of the last week (RecentErasures): what a resync never sends an old state of.
                env.string(prefix + "ERASURES_TOPIC", Topics.ERASURES));
    }

    /**
     * Whether a lane failing for {@link #parkAfter} is parked: only when reading the state topic, which holds what
     * a parked lane resolves and is resynced from when its vendor answers again ({@code PARK_AFTER_MS=0}: never).
     */
    public boolean parks() {
        return input == InputFormat.STATE && !parkAfter.isZero();
    }

    /** The subscriber-deliveries topic, or null for {@code none} (nothing published: the per-subscriber view stays empty). */
    private static String deliveriesTopic(String value) {
        return "none".equals(value) ? null : value;
    }

    /** {@code state} (default): the subscriber-state service's topic; {@code events}: the assignment events directly. */
    private static InputFormat input(EnvReader env, String variable) {
        String value = env.string(variable, "state");
        return switch (value) {
            case "events" -> InputFormat.EVENTS;
            case "state" -> InputFormat.STATE;
            default -> throw new com.subsets.sync.runtime.ConfigException(variable + " must be events or state, was " + value);
        };
    }
}
