package com.subsets.sync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ExternalServicesTest {

    @Test
    void parsesAPostgresUrlAndKeepsThePasswordOutOfItsText() {
        PostgresEndpoint endpoint = ExternalServices.parse("postgresql://sync:s3cret@db.internal:6543/subsets");

        assertThat(endpoint).isEqualTo(new PostgresEndpoint("db.internal", 6543, "subsets", "sync", "s3cret"));
        assertThat(endpoint.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/subsets");
        assertThat(endpoint.toString()).doesNotContain("s3cret");
    }

    @Test
    void namesTheMissingVariable() {
        assertThatThrownBy(() -> ExternalServices.kafka(Map.<String, String>of()::get))
                .hasMessageContaining("INFRA_KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> ExternalServices.postgres(Map.of("INFRA_POSTGRES_URL", "mysql://x")::get))
                .hasMessageContaining("postgresql://user:password@host:port/database");
    }
}
