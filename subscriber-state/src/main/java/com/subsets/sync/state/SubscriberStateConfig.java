package com.subsets.sync.state;

import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The state service's configuration, from the environment, validated at start.
 *
 * @param stateDir where RocksDB keeps the stores (a cache: they are restored from their changelog topics)
 * @param streamThreads Kafka Streams' stream threads: each applies its own partitions and commits its own
 *                      transaction, so one applies events while another waits for its commit
 */
public record SubscriberStateConfig(String bootstrapServers, Map<String, String> kafkaProperties, String applicationId,
                                    String eventsTopic, String stateTopic, String deadLetterTopic, String stateDir,
                                    int streamThreads, String httpHost, int httpPort, Duration shutdownTimeout) {

    /** The compacted topic the state is written to: key tenant and subscriber, partitioned by tenant. */
    public static final String STATE_TOPIC = Topics.SUBSCRIBER_STATE;

    /** The Streams application (group, changelog topics, transactional ids): versioned as {@link #STATE_TOPIC} is. */
    public static final String DEFAULT_APPLICATION_ID = "subsets-sync.subscriber-state.v2";

    public static SubscriberStateConfig fromEnv(EnvReader env, Set<String> names) {
        return new SubscriberStateConfig(
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.passThrough("KAFKA_PROPERTY_", names),
                // Versioned with the state topic: the v2 keys (one per subscriber, identities linked) are not v1's, so a
                // new application, with new stores, rebuilds them from the events (from the start of their retention).
                env.string("STATE_APPLICATION_ID", DEFAULT_APPLICATION_ID),
                env.string("STATE_EVENTS_TOPIC", Topics.ASSIGNMENT_EVENTS),
                env.string("STATE_TOPIC", STATE_TOPIC),
                env.string("STATE_DEAD_LETTER_TOPIC", Topics.deadLetter("subscriber-state")),
                env.string("STATE_DIR", System.getProperty("java.io.tmpdir") + "/subsets-sync-state"),
                // Two: with one, the thread waited for each commit (every 100 ms, exactly once) with nothing to do
                // meanwhile; bench/state.sh measured about 45,000 events/s with one and 60,000 with two.
                env.integer("STATE_STREAM_THREADS", 2, 1, 64),
                env.string("STATE_HTTP_HOST", "0.0.0.0"),
                env.integer("STATE_HTTP_PORT", 8084, 0, 65535),
                env.millis("STATE_SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(5)));
    }
}
