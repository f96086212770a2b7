package com.subsets.sync.state;

import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ErasureMemoryConfig;
import com.subsets.sync.state.stream.ErasureSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The state service's configuration, from the environment, validated at start.
 *
 * @param stateDir where RocksDB keeps the stores (a cache: they are restored from their changelog topics)
 * @param streamThreads Kafka Streams' stream threads: each applies its own partitions and commits its own
 *                      transaction, so one applies events while another waits for its commit
 * @param rocksDbMemoryBytes what RocksDB may hold, every store together: one block cache (index and filter blocks
 *                           included) that also counts the memtables, half of it at most
 * @param standbyReplicas copies of each partition's state kept warm on other replicas ({@code num.standby.replicas})
 * @param erasuresTopic where each erasure applied is written (key the tenant)
 * @param erasure the salt of the erased identifiers' hashes (a secret, never printed) and how long they are remembered
 */
public record SubscriberStateConfig(String bootstrapServers, Map<String, String> kafkaProperties, String applicationId,
                                    String eventsTopic, String stateTopic, String deadLetterTopic, String erasuresTopic, String stateDir,
                                    int streamThreads, long rocksDbMemoryBytes, int standbyReplicas, ErasureSettings erasure,
                                    String httpHost, int httpPort, Duration shutdownTimeout) {

    /** The compacted topic the state is written to: key tenant and subscriber, partitioned by tenant. */
    public static final String STATE_TOPIC = Topics.SUBSCRIBER_STATE;

    /** The Streams application (group, changelog topics, transactional ids): versioned as {@link #STATE_TOPIC} is. */
    public static final String DEFAULT_APPLICATION_ID = "subsets-sync.subscriber-state.v2";

    /** RocksDB's bound when none is configured: 64 MiB, a third of what a 768 MiB pod leaves beside a 75 % heap. */
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 64L << 20;

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
                env.string("STATE_ERASURES_TOPIC", Topics.ERASURES),
                env.string("STATE_DIR", System.getProperty("java.io.tmpdir") + "/subsets-sync-state"),
                // Two: with one, the thread waited for each commit (every 100 ms, exactly once) with nothing to do
                // meanwhile; bench/state.sh measured about 45,000 events/s with one and 60,000 with two.
                env.integer("STATE_STREAM_THREADS", 2, 1, 64),
                env.longValue("STATE_ROCKSDB_MEMORY_BYTES", DEFAULT_ROCKSDB_MEMORY_BYTES, 8L << 20, 64L << 30),
                // None locally (one instance); the manifests keep one, so a scale event does not restore from the changelog.
                env.integer("STATE_STANDBY_REPLICAS", 0, 0, 5),
                new ErasureSettings(ErasureMemoryConfig.salt(env, "STATE"), ErasureMemoryConfig.memory(env, "STATE")),
                env.string("STATE_HTTP_HOST", "0.0.0.0"),
                env.integer("STATE_HTTP_PORT", 8084, 0, 65535),
                env.millis("STATE_SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(5)));
    }
}
