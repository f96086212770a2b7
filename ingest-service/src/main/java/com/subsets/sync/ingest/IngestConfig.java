package com.subsets.sync.ingest;

import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.HttpServerLimits;
import com.subsets.sync.runtime.TokenAuthenticator;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Everything the ingest service is configured with, read once from the environment and validated.
 *
 * @param metricsPort where {@code /health/*} and {@code /metrics} listen, apart from the API
 * @param http idle and body timeouts and the connection limit of the API port (the operations port has the same)
 * @param callers the bearer tokens accepted (configured as SHA-256 hashes; several for rotation)
 * @param kafkaProperties extra producer properties ({@code KAFKA_PROPERTY_*}), e.g. security settings
 */
public record IngestConfig(
        String host,
        int port,
        int metricsPort,
        HttpServerLimits http,
        int instances,
        TokenAuthenticator callers,
        int maxEventsPerRequest,
        int maxBodyBytes,
        long maxInFlightBytes,
        Duration publishTimeout,
        int retryAfterSeconds,
        Duration shutdownTimeout,
        String bootstrapServers,
        String topic,
        Map<String, String> kafkaProperties) {

    public IngestConfig {
        if (port != 0 && port == metricsPort) {
            throw new ConfigException("INGEST_METRICS_PORT must differ from INGEST_HTTP_PORT (" + port + ")");
        }
        if (maxInFlightBytes < maxBodyBytes) {
            throw new ConfigException("INGEST_MAX_IN_FLIGHT_BYTES (" + maxInFlightBytes
                    + ") must be at least INGEST_MAX_BODY_BYTES (" + maxBodyBytes + "), or a full request could never be published");
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public static IngestConfig fromEnv(EnvReader env, Set<String> variableNames) {
        return new IngestConfig(
                env.string("INGEST_HTTP_HOST", "0.0.0.0"),
                env.integer("INGEST_HTTP_PORT", 8080, 0, 65535),
                env.integer("INGEST_METRICS_PORT", 9080, 0, 65535),
                HttpServerLimits.fromEnv(env, "INGEST"),
                env.integer("INGEST_INSTANCES", Runtime.getRuntime().availableProcessors(), 1, 64),
                TokenAuthenticator.fromEnv(env, "INGEST_TOKEN_SHA256"),
                env.integer("INGEST_MAX_EVENTS_PER_REQUEST", 1000, 1, 100_000),
                env.integer("INGEST_MAX_BODY_BYTES", 2 * 1024 * 1024, 1024, 64 * 1024 * 1024),
                env.longValue("INGEST_MAX_IN_FLIGHT_BYTES", 32L * 1024 * 1024, 64 * 1024, 1L << 32),
                env.millis("INGEST_PUBLISH_TIMEOUT_MS", Duration.ofSeconds(5), Duration.ofMillis(500), Duration.ofMinutes(2)),
                env.integer("INGEST_RETRY_AFTER_SECONDS", 1, 1, 3600),
                env.millis("INGEST_SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(20), Duration.ZERO, Duration.ofMinutes(5)),
                env.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
                env.string("INGEST_TOPIC", Topics.ASSIGNMENT_EVENTS),
                env.passThrough("KAFKA_PROPERTY_", variableNames));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(host, newPort, metricsPort, http, instances, callers, maxEventsPerRequest, maxBodyBytes,
                maxInFlightBytes, publishTimeout, retryAfterSeconds, shutdownTimeout, bootstrapServers, topic,
                kafkaProperties);
    }
}
