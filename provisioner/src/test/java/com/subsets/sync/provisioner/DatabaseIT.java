package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.notifications.WebhookSecrets;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The provisioner and its database: migrations, refusing a schema it does not know, key rotation. */
@ExtendWith(RealServices.class)
class DatabaseIT {

    private static final String WEBHOOK_URL = "https://hooks.example.test/subsets";
    private static final String WEBHOOK_SECRET = "webhook-secret-to-rotate";

    @Test
    void refusesADatabaseItDoesNotUnderstand(PostgresService postgres, KafkaService kafka) throws Exception {
        kafka.createTopics(1, "database-it.reports");
        PostgresEndpoint foreign = postgres.createDatabase("database_it_foreign");
        execute(foreign, "CREATE TABLE destination (id int)");
        assertThatThrownBy(() -> ProvisionerTestKit.start(ProvisionerTestKit.env(foreign, kafka, 1, "database-it.reports")))
                .hasStackTraceContaining("non-empty schema");

        PostgresEndpoint newer = postgres.createDatabase("database_it_newer");
        ProvisionerTestKit.start(ProvisionerTestKit.env(newer, kafka, 1, "database-it.reports")).close().await(30, TimeUnit.SECONDS);
        // As if a newer build had applied a migration this one does not have: this build must not run on that schema.
        execute(newer, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
                + "installed_by, execution_time, success) VALUES (99, '99', 'from a newer build', 'SQL', 'V99__newer.sql', 1, 'x', 1, true)");
        assertThatThrownBy(() -> ProvisionerTestKit.start(ProvisionerTestKit.env(newer, kafka, 1, "database-it.reports")))
                .hasStackTraceContaining("applied migration not resolved locally");
    }

    /**
     * Six registrations at once against a pool of two connections, on a slow vendor: a run holds a connection for
     * its lock the whole time, so runs at once stay below the pool and record their outcome on that same
     * connection. Before, each run waited for a second connection the others held, and nothing finished.
     */
    @Test
    void moreRegistrationsAtOnceThanConnectionsAllBecomeReadyAndTheApiKeepsAnswering(PostgresService postgres, KafkaService kafka)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        IterableSimulator iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        int tenants = 6;
        for (int i = 0; i < tenants; i++) {
            iterable.addProject("p-pool-" + i, "iterable-key-pool-" + i, IterableProject.Identity.USER_ID).faults().latency(200);
        }
        kafka.createTopics(1, "database-it-pool.reports");
        Map<String, String> env = ProvisionerTestKit.env(postgres.createDatabase("database_it_pool"), kafka, iterable.port(),
                "database-it-pool.reports");
        env.put("PROVISIONER_DB_POOL_SIZE", "2");
        ProvisionerService provisioner = ProvisionerTestKit.start(env);
        try {
            java.util.List<java.util.concurrent.CompletableFuture<Integer>> puts = new java.util.ArrayList<>();
            for (int i = 0; i < tenants; i++) {
                int tenant = i;
                puts.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> operator(provisioner.port(), "PUT",
                        "/v1/tenants/pool-" + tenant + "/destinations/iterable",
                        new JsonObject().put("apiKey", "iterable-key-pool-" + tenant).encode()).status()));
            }
            for (var put : puts) {
                assertThat(put.get(60, TimeUnit.SECONDS)).isEqualTo(201);
            }
            assertThat(operator(provisioner.port(), "GET", "/v1/tenants/pool-0/destinations/iterable", null).status())
                    .as("the API answers while runs are under way").isEqualTo(200);
            await("every destination READY", Duration.ofSeconds(60), () -> java.util.stream.IntStream.range(0, tenants)
                    .allMatch(i -> status(provisioner.port(), "pool-" + i, "iterable").equals("READY")));
        } finally {
            provisioner.close().await(30, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void appliedReportIdsOlderThanTheReplayWindowAreForgotten(PostgresService postgres, KafkaService kafka) throws Exception {
        kafka.createTopics(1, "database-it-purge.reports");
        PostgresEndpoint db = postgres.createDatabase("database_it_purge");
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "database-it-purge.reports");
        env.put("PROVISIONER_REPORTS_REPLAY_WINDOW_MS", "10000");
        ProvisionerService provisioner = ProvisionerTestKit.start(env);
        try {
            execute(db, "INSERT INTO delivery_report_applied (report_id, applied_at) VALUES "
                    + "('00000000-0000-0000-0000-000000000001', now() - interval '2 minutes'), "
                    + "('00000000-0000-0000-0000-000000000002', now() + interval '1 hour')");
            await("the old id forgotten", Duration.ofSeconds(60), () -> count(db, "delivery_report_applied") == 1);
            assertThat(count(db, "delivery_report_applied WHERE report_id = '00000000-0000-0000-0000-000000000002'"))
                    .as("an id inside the window stays: its report may still be redelivered").isEqualTo(1);
        } finally {
            provisioner.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static long count(PostgresEndpoint db, String from) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT count(*) FROM " + from)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void rotatingTheKeyResealsEveryCredentialAndTheyStillOpen(PostgresService postgres, KafkaService kafka) throws Exception {
        Vertx vertx = Vertx.vertx();
        IterableSimulator iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        iterable.addProject("p-rotate", "iterable-key-rotate", IterableProject.Identity.USER_ID);
        kafka.createTopics(1, "database-it-rotate.reports");
        PostgresEndpoint db = postgres.createDatabase("database_it_rotate");
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, iterable.port(), "database-it-rotate.reports");
        ProvisionerService before = ProvisionerTestKit.start(env);
        try {
            operator(before.port(), "PUT", "/v1/tenants/rotate/destinations/iterable",
                    new JsonObject().put("apiKey", "iterable-key-rotate").put("notifications", new JsonObject()
                            .put("webhook", new JsonObject().put("url", WEBHOOK_URL).put("secret", WEBHOOK_SECRET))).encode());
            await("READY", Duration.ofSeconds(30), () -> status(before.port(), "rotate", "iterable").equals("READY"));
        } finally {
            before.close().await(30, TimeUnit.SECONDS);
        }
        assertThat(keyIds(db)).isEqualTo("k1");
        assertThat(webhookKeyId(db)).isEqualTo("k1");

        // A replica that lacks the key the credentials are sealed with still answers, naming the tenants it cannot
        // serve (the dispatchers keep their last known destinations), and counts the rows still under the old key.
        Map<String, String> keyMissing = new HashMap<>(env);
        keyMissing.put("PROVISIONER_ENCRYPTION_KEYS", "k2:" + Base64.getEncoder().encodeToString(new byte[32]));
        keyMissing.put("PROVISIONER_ENCRYPTION_KEY_ID", "k2");
        ProvisionerService missing = ProvisionerTestKit.start(keyMissing);
        try {
            var answer = ProvisionerTestKit.call(missing.port(), "GET", "/v1/dispatch/iterable/destinations",
                    ProvisionerTestKit.DISPATCHER_TOKEN, null);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().getJsonArray("unavailable").getList()).containsExactly("rotate");
            assertThat(answer.json().getJsonArray("registered").getList()).containsExactly("rotate");
            assertThat(answer.json().getJsonObject("destinations").isEmpty()).isTrue();
            String metrics = ProvisionerTestKit.call(missing.metricsPort(), "GET", "/metrics", null, null).body();
            assertThat(metrics).contains("provisioner_credentials_old_key{service=\"provisioner\",table=\"destination\"} 1.0",
                    "provisioner_credentials_old_key{service=\"provisioner\",table=\"destination_ready\"} 1.0",
                    "provisioner_credentials_old_key{service=\"provisioner\",table=\"destination_notification\"} 1.0",
                    "provisioner_credentials_unresealable_total{service=\"provisioner\",table=\"destination_notification\"}",
                    "provisioner_dispatch_credentials_unopenable_total{destination=\"iterable\",service=\"provisioner\",tenant=\"rotate\"} 1.0");
        } finally {
            missing.close().await(30, TimeUnit.SECONDS);
        }

        Map<String, String> rotated = new HashMap<>(env);
        rotated.put("PROVISIONER_ENCRYPTION_KEYS", "k1:" + ProvisionerTestKit.KEY + ",k2:" + Base64.getEncoder().encodeToString(new byte[32]));
        rotated.put("PROVISIONER_ENCRYPTION_KEY_ID", "k2");
        ProvisionerService after = ProvisionerTestKit.start(rotated);
        try {
            await("resealed", Duration.ofSeconds(30), () -> keyIds(db).equals("k2") && webhookKeyId(db).equals("k2"));
            // The webhook secret opens under the new key, bound to its row as before.
            SecretBox k2 = new SecretBox(Map.of("k2", new javax.crypto.spec.SecretKeySpec(new byte[32], "AES")), "k2", new java.security.SecureRandom());
            assertThat(new WebhookSecrets(k2).open("rotate", DestinationKind.ITERABLE, WEBHOOK_URL, webhookSecret(db)))
                    .isEqualTo(WEBHOOK_SECRET);
            JsonObject entry = ProvisionerTestKit.call(after.port(), "GET", "/v1/dispatch/iterable/destinations",
                    ProvisionerTestKit.DISPATCHER_TOKEN, null).json().getJsonObject("destinations").getJsonObject("rotate");
            assertThat(entry.getString("apiKey")).isEqualTo("iterable-key-rotate");
            await("no row under the old key", Duration.ofSeconds(30), () -> ProvisionerTestKit.call(after.metricsPort(), "GET", "/metrics",
                    null, null).body().contains("provisioner_credentials_old_key{service=\"provisioner\",table=\"destination_ready\"} 0.0")
                    && ProvisionerTestKit.call(after.metricsPort(), "GET", "/metrics", null, null).body()
                    .contains("provisioner_credentials_old_key{service=\"provisioner\",table=\"destination_notification\"} 0.0"));
        } finally {
            after.close().await(30, TimeUnit.SECONDS);
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Sixty rows no key opens come first in every order; a row sealed under a retired key and the old associated
     * data (tenant and kind only, as every row before the settings were bound) comes after them. The reseal passes
     * over the sixty and reaches it: under the active key, bound to its settings, and still opening.
     */
    @Test
    void resealingPassesOverRowsItCannotOpenAndReachesEveryOther(PostgresService postgres, KafkaService kafka) throws Exception {
        kafka.createTopics(1, "database-it-order.reports");
        PostgresEndpoint db = postgres.createDatabase("database_it_order");
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "database-it-order.reports");
        byte[] retired = new byte[32];
        retired[0] = 7;
        env.put("PROVISIONER_ENCRYPTION_KEYS", "k0:" + Base64.getEncoder().encodeToString(retired) + ",k1:" + ProvisionerTestKit.KEY);
        env.put("PROVISIONER_ENCRYPTION_KEY_ID", "k1");
        ProvisionerTestKit.start(env).close().await(30, TimeUnit.SECONDS);

        String settings = "{\"region\": \"us\", \"identifier\": \"userId\", \"preferUserId\": false}";
        for (int i = 0; i < 60; i++) {
            execute(db, "INSERT INTO destination (tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed, "
                    + "secret_fingerprint, status) VALUES ('broken-" + (100 + i) + "', 'iterable', '" + settings + "', 'gone', "
                    + "'\\x000000000000000000000000', '\\x00', 'sha256:000000000000', 'READY')");
        }
        SecretBox box = new SecretBox(Map.of("k0", new javax.crypto.spec.SecretKeySpec(retired, "AES")), "k0",
                new java.security.SecureRandom());
        SecretBox.Sealed sealed = box.seal("{\"apiKey\":\"iterable-key-legacy\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "zz-legacy/iterable".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String nonce = "'\\x" + java.util.HexFormat.of().formatHex(sealed.nonce()) + "'";
        String ciphertext = "'\\x" + java.util.HexFormat.of().formatHex(sealed.ciphertext()) + "'";
        execute(db, "INSERT INTO destination (tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed, secret_fingerprint, "
                + "status) VALUES ('zz-legacy', 'iterable', '" + settings + "', 'k0', " + nonce + ", " + ciphertext
                + ", 'sha256:000000000000', 'READY')");
        execute(db, "INSERT INTO destination_ready (tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed) "
                + "VALUES ('zz-legacy', 'iterable', 1, '" + settings + "', 'k0', " + nonce + ", " + ciphertext + ")");

        ProvisionerService provisioner = ProvisionerTestKit.start(env);
        try {
            await("the legacy row resealed", Duration.ofSeconds(30), () -> count(db, "destination WHERE tenant_id = 'zz-legacy' "
                    + "AND secret_key_id = 'k1'") == 1 && count(db, "destination_ready WHERE secret_key_id = 'k1'") == 1);
            assertThat(count(db, "destination WHERE tenant_id = 'zz-legacy' AND secret_binding = 2")).isEqualTo(1);
            assertThat(count(db, "destination_ready WHERE tenant_id = 'zz-legacy' AND secret_binding = 2")).isEqualTo(1);
            assertThat(count(db, "destination WHERE secret_key_id = 'gone'")).as("the unopenable rows stay as they were").isEqualTo(60);
            JsonObject entry = ProvisionerTestKit.call(provisioner.port(), "GET", "/v1/dispatch/iterable/destinations",
                    ProvisionerTestKit.DISPATCHER_TOKEN, null).json().getJsonObject("destinations").getJsonObject("zz-legacy");
            assertThat(entry.getString("apiKey")).isEqualTo("iterable-key-legacy");
            await("counted", Duration.ofSeconds(30), () -> ProvisionerTestKit.call(provisioner.metricsPort(), "GET", "/metrics", null, null)
                    .body().contains("provisioner_credentials_old_key{service=\"provisioner\",table=\"destination\"} 60.0"));
        } finally {
            provisioner.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static String webhookKeyId(PostgresEndpoint db) {
        return webhookSecret(db).keyId();
    }

    private static SecretBox.Sealed webhookSecret(PostgresEndpoint db) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT webhook_secret_key_id, webhook_secret_nonce, webhook_secret_sealed "
                     + "FROM destination_notification")) {
            rows.next();
            return new SecretBox.Sealed(rows.getString(1), rows.getBytes(2), rows.getBytes(3));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keyIds(PostgresEndpoint db) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT string_agg(DISTINCT k, ',') FROM (SELECT secret_key_id AS k FROM destination "
                     + "UNION ALL SELECT secret_key_id FROM destination_ready) keys")) {
            rows.next();
            return rows.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(PostgresEndpoint db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
