package com.subsets.sync.provisioner.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
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

    /** Where the database is; {@link #toString()} leaves the password out. */
    public record Settings(String host, int port, String name, String user, String password, int poolSize) {

        String jdbcUrl() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + name;
        }

        @Override
        public String toString() {
            return "postgresql://" + user + "@" + host + ":" + port + "/" + name;
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
                            .connectingTo(new PgConnectOptions().setHost(settings.host()).setPort(settings.port())
                                    .setDatabase(settings.name()).setUser(settings.user()).setPassword(settings.password())
                                    .setReconnectAttempts(2).setReconnectInterval(500))
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
