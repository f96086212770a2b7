package com.subsets.sync.provisioner.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provisioner's PostgreSQL: migrations applied at start (Flyway, on a worker thread: it uses JDBC),
 * then a reactive pool for everything else. Flyway refuses a database it does not understand: one with
 * tables but no migration history, or with migrations newer than this build knows.
 */
public final class Database {

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /**
     * Where the database is and how the connection is protected; {@link #toString()} leaves the password out.
     * {@code sslMode}: libpq's modes ({@code disable}, {@code allow}, {@code prefer}, {@code require}, {@code verify-ca},
     * {@code verify-full}), applied alike to the pool and to Flyway's JDBC connection; {@code sslRootCert}: the PEM file
     * of the CA the server's certificate is checked against (required by {@code verify-ca} and {@code verify-full}).
     */
    public record Settings(String host, int port, String name, String user, String password, int poolSize, String sslMode,
                           String sslRootCert) {

        public static final java.util.List<String> SSL_MODES = java.util.List.of("disable", "allow", "prefer", "require",
                "verify-ca", "verify-full");

        public Settings {
            if (!SSL_MODES.contains(sslMode)) {
                throw new IllegalArgumentException("sslMode must be one of " + String.join(", ", SSL_MODES));
            }
            if (sslMode.startsWith("verify-") && (sslRootCert == null || sslRootCert.isBlank())) {
                throw new IllegalArgumentException("sslMode " + sslMode + " needs the root certificate to verify against");
            }
        }

        String jdbcUrl() {
            String url = "jdbc:postgresql://" + host + ":" + port + "/" + name + "?sslmode=" + sslMode;
            return sslRootCert == null ? url
                    : url + "&sslrootcert=" + java.net.URLEncoder.encode(sslRootCert, java.nio.charset.StandardCharsets.UTF_8);
        }

        PgConnectOptions connectOptions() {
            PgConnectOptions options = new PgConnectOptions().setHost(host).setPort(port).setDatabase(name).setUser(user)
                    .setPassword(password).setReconnectAttempts(2).setReconnectInterval(500)
                    .setSslMode(SslMode.of(sslMode));
            ClientSSLOptions ssl = new ClientSSLOptions();
            if (sslRootCert != null) {
                ssl.setTrustOptions(new PemTrustOptions().addCertPath(sslRootCert));
            } else if (sslMode.equals("require") || sslMode.equals("prefer") || sslMode.equals("allow")) {
                // As libpq without a root certificate: encrypted, the server's certificate not checked.
                ssl.setTrustAll(true);
            }
            if (sslMode.equals("verify-full")) {
                ssl.setHostnameVerificationAlgorithm("HTTPS");
            }
            return options.setSslOptions(ssl);
        }

        @Override
        public String toString() {
            return "postgresql://" + user + "@" + host + ":" + port + "/" + name + " (sslmode " + sslMode + ")";
        }
    }

    private Database() {
    }

    /** Applies pending migrations, then opens the pool; fails if the schema is not one this build knows. */
    public static Future<Pool> open(Vertx vertx, Settings settings) {
        return vertx.executeBlocking(() -> migrate(settings), false)
                .map(applied -> {
                    LOG.info("database {} at schema version {} ({} migrations applied now)", settings,
                            applied.targetSchemaVersion == null ? "current" : applied.targetSchemaVersion, applied.migrationsExecuted);
                    return PgBuilder.pool()
                            .with(new PoolOptions().setMaxSize(settings.poolSize()))
                            .connectingTo(settings.connectOptions())
                            .using(vertx)
                            .build();
                });
    }

    private static MigrateResult migrate(Settings settings) {
        return Flyway.configure()
                .dataSource(settings.jdbcUrl(), settings.user(), settings.password())
                .locations("classpath:db/migration")
                // A migration applied by a newer build is not understood here: refuse instead of ignoring it.
                .ignoreMigrationPatterns("")
                .validateOnMigrate(true)
                .load()
                .migrate();
    }
}
