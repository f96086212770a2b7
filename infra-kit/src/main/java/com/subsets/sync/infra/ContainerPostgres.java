package com.subsets.sync.infra;

import org.testcontainers.postgresql.PostgreSQLContainer;

/** PostgreSQL in a container (-Dinfra=containers); image from -Dinfra.postgres.image. */
final class ContainerPostgres implements PostgresService {

    static final String DEFAULT_IMAGE = "postgres:17-alpine";
    private final PostgreSQLContainer container;

    private ContainerPostgres(PostgreSQLContainer container) {
        this.container = container;
    }

    static ContainerPostgres start() {
        PostgreSQLContainer container = new PostgreSQLContainer(System.getProperty("infra.postgres.image", DEFAULT_IMAGE));
        container.start();
        return new ContainerPostgres(container);
    }

    @Override
    public PostgresEndpoint endpoint() {
        return new PostgresEndpoint(container.getHost(), container.getFirstMappedPort(), container.getDatabaseName(),
                container.getUsername(), container.getPassword());
    }

    @Override
    public void close() {
        container.stop();
    }
}
