package com.subsets.sync.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * V13 on a database that has replays in the old shape (one text[] per resync): a replay under way keeps every key
 * it names (once each, in order), a test delivery keeps its own for its verdict, a finished replay keeps only its
 * count, and the array column is gone.
 */
@ExtendWith(RealServices.class)
class ReplayKeysMigrationIT {

    @Test
    void replaysUnderWayKeepTheirKeysInRowsAndFinishedOnesTheirCount(PostgresService postgres) throws Exception {
        PostgresEndpoint db = postgres.createDatabase("replay_keys_migration_it");
        flyway(db, "12").migrate();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO destination (tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed, "
                    + "secret_fingerprint, status) VALUES ('acme', 'iterable', '{}', 'k1', '\\x00', '\\x00', 'f', 'READY')");
            s.execute("INSERT INTO destination_resync (id, tenant_id, kind, reason, status, subscribers) VALUES "
                    + "(1, 'acme', 'iterable', 'replay', 'DONE', ARRAY['a', 'b', 'c']), "
                    + "(2, 'acme', 'iterable', 'test', 'DONE', ARRAY['t2', 't1']), "
                    + "(3, 'acme', 'iterable', 'ready', 'DONE', NULL), "
                    + "(4, 'acme', 'iterable', 'replay', 'RUNNING', ARRAY['z', 'x', 'y', 'x'])");
        }

        flyway(db, "13").migrate();

        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT id || ':' || COALESCE(subscriber_count::text, 'all') FROM destination_resync ORDER BY id"))
                    .containsExactly("1:3", "2:2", "3:all", "4:3");
            assertThat(rows(s, "SELECT resync_id || ':' || subscriber || ':' || ordinal FROM destination_resync_subscriber "
                    + "ORDER BY resync_id, ordinal")).as("the running replay's keys once each in order, the test's; not the done replay's")
                    .containsExactly("2:t2:1", "2:t1:2", "4:z:1", "4:x:2", "4:y:3");
            assertThat(rows(s, "SELECT column_name FROM information_schema.columns WHERE table_name = 'destination_resync' "
                    + "AND column_name = 'subscribers'")).as("the array column is gone").isEmpty();
        }
    }

    private static Flyway flyway(PostgresEndpoint db, String target) {
        return Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration")
                .target(target).load();
    }

    private static List<String> rows(Statement s, String query) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                out.add(rows.getString(1));
            }
        }
        return out;
    }
}
