package com.subsets.sync.infra;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the project's pinned server binaries, run from a temporary directory) on a
 * free loopback port, tuned for tests: no fsync, no synchronous commit, no full-page writes.
 */
public final class EmbeddedPostgres implements PostgresService {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private final io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(io.zonky.test.db.postgres.embedded.EmbeddedPostgres server) {
        this.server = server;
    }

    public static EmbeddedPostgres start() {
        try {
            var server = io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(true)
                    .start();
            EmbeddedPostgres postgres = new EmbeddedPostgres(server);
            LOG.info("embedded PostgreSQL ready at {}", postgres.endpoint());
            return postgres;
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL server", e);
        }
    }

    @Override
    public PostgresEndpoint endpoint() {
        return new PostgresEndpoint("127.0.0.1", server.getPort(), "postgres", "postgres", "");
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not close cleanly: {}", e.toString());
        }
    }
}
