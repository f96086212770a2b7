package com.subsets.sync.ingest;

import com.subsets.sync.runtime.TokenAuthenticator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    static final String HASH = TokenAuthenticator.sha256Hex("t");

    private static IngestConfig read(Map<String, String> env) {
        return IngestConfig.fromEnv(new EnvReader(env::get), env.keySet());
    }

    @Test
    void defaultsSuitLocalUse() {
        IngestConfig config = read(Map.of("INGEST_TOKEN_SHA256", HASH));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.metricsPort()).isEqualTo(9080);
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http().bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.http().maxConnections()).isEqualTo(1000);
        assertThat(config.http().options("0.0.0.0", 8080).isHttp2ClearTextEnabled()).isFalse();
        assertThat(config.maxEventsPerRequest()).isEqualTo(1000);
        assertThat(config.maxBodyBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.topic()).isEqualTo("subsets.assignment-events.v1");
        assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    }

    @Test
    void failsFastNamingTheVariable() {
        assertThatThrownBy(() -> read(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("INGEST_TOKEN_SHA256 is required");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", "plain-token")))
                .hasMessage("INGEST_TOKEN_SHA256 entries must be 64 hex digits (a SHA-256 hash)")
                .hasMessageNotContaining("plain-token");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", HASH, "INGEST_HTTP_PORT", "http")))
                .hasMessageStartingWith("INGEST_HTTP_PORT must be a whole number");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", HASH, "INGEST_MAX_IN_FLIGHT_BYTES", "1000000")))
                .hasMessageStartingWith("INGEST_MAX_IN_FLIGHT_BYTES (1000000) must be at least INGEST_MAX_BODY_BYTES");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", HASH, "INGEST_METRICS_PORT", "8080")))
                .hasMessage("INGEST_METRICS_PORT must differ from INGEST_HTTP_PORT (8080)");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", HASH, "INGEST_HTTP_MAX_CONNECTIONS", "0")))
                .hasMessageStartingWith("INGEST_HTTP_MAX_CONNECTIONS must be from 1");
        assertThatThrownBy(() -> read(Map.of("INGEST_TOKEN_SHA256", HASH, "INGEST_HTTP_IDLE_TIMEOUT_MS", "0")))
                .hasMessageStartingWith("INGEST_HTTP_IDLE_TIMEOUT_MS must be from 100");
    }

    @Test
    void passesKafkaPropertiesThroughForRealClusters() {
        IngestConfig config = read(Map.of("INGEST_TOKEN_SHA256", HASH, "KAFKA_PROPERTY_SECURITY_PROTOCOL", "SSL"));

        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SSL");
        assertThat(EventPublisher.producerConfig(config))
                .containsEntry("acks", "all")
                .containsEntry("enable.idempotence", "true")
                .containsEntry("security.protocol", "SSL");
    }
}
