package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Notifications end to end: two provisioner replicas on one database, a real SMTP server (GreenMail, AUTH) and a
 * webhook receiver that checks every signature. A destination that fails, recovers, finishes its backfill, parks and
 * recovers again is told each change once by e-mail and once by webhook, although both replicas see every change
 * (their sweeps retry the failing run, dispatchers report the parking and the recovery to both); the receiver's 503s
 * are retried and every attempt is recorded. Outside local mode an http webhook is a 400.
 */
@ExtendWith(RealServices.class)
class NotificationsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String API_KEY = "iterable-key-notify";
    private static final String WEBHOOK_SECRET = "whsec-notify-0123456789abcdef";
    private static final String MAILBOX = "marketing@tenant.example";
    private static int run;

    private Vertx vertx;
    private IterableSimulator iterable;
    private GreenMail smtp;
    private HttpServer receiver;
    private PostgresEndpoint db;
    private Map<String, String> env;
    private final List<ProvisionerService> replicas = new ArrayList<>();
    /** What the receiver got: each call's body, whether its signature checked out, and what it answered. */
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger refuseNext = new AtomicInteger();

    private record Received(JsonObject body, boolean signed, int answered) {
    }

    @BeforeEach
    void start(PostgresService postgres, KafkaService kafka) throws Exception {
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("notifier@subsets.test", "smtp-user", "smtp-password"));
        smtp.start();
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String text = body.toString(StandardCharsets.UTF_8);
            int status = refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 503 : 204;
            received.add(new Received(new JsonObject(text), signatureHolds(request.getHeader("Subsets-Signature"), text), status));
            request.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        db = postgres.createDatabase("notifications_it");
        String reports = "notifications-it-" + (++run) + ".reports";
        kafka.createTopics(1, reports);
        kafka.createTopics(1, com.subsets.sync.model.Topics.deadLetter("iterable"), com.subsets.sync.model.Topics.deadLetter("blueconic"),
                com.subsets.sync.model.Topics.SEGMENT_MEMBERSHIPS);
        env = ProvisionerTestKit.env(db, kafka, iterable.port(), reports);
        env.put("PROVISIONER_VENDOR_ATTEMPTS", "1");
        env.put("PROVISIONER_SMTP_HOST", "127.0.0.1");
        env.put("PROVISIONER_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()));
        // GreenMail offers no STARTTLS; AUTH still goes through it.
        env.put("PROVISIONER_SMTP_STARTTLS", "disabled");
        env.put("PROVISIONER_SMTP_USERNAME", "smtp-user");
        env.put("PROVISIONER_SMTP_PASSWORD", "smtp-password");
        env.put("PROVISIONER_SMTP_FROM", "notifier@subsets.test");
        env.put("PROVISIONER_NOTIFICATIONS_INTERVAL_MS", "100");
        env.put("PROVISIONER_NOTIFICATIONS_RETRY_BASE_MS", "200");
        env.put("PROVISIONER_NOTIFICATIONS_RETRY_MAX_DELAY_MS", "400");
        env.put("PROVISIONER_NOTIFICATIONS_TIMEOUT_MS", "5000");
    }

    @AfterEach
    void stop() throws Exception {
        for (ProvisionerService replica : replicas) {
            replica.close().await(30, TimeUnit.SECONDS);
        }
        smtp.stop();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private ProvisionerService replica(String name, boolean localMode) throws Exception {
        Map<String, String> own = new HashMap<>(env);
        own.put("PROVISIONER_REPLICA", name);
        own.put("PROVISIONER_NOTIFICATIONS_ALLOW_HTTP", String.valueOf(localMode));
        ProvisionerService replica = ProvisionerTestKit.start(own);
        replicas.add(replica);
        return replica;
    }

    /** The receiver's own check, written apart from the provisioner's: HMAC-SHA256 of "t.body", t within 5 minutes. */
    private static boolean signatureHolds(String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        long t = Long.parseLong(header.substring(2, header.indexOf(',')));
        String v1 = header.substring(header.indexOf("v1=") + 3);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return expected.equals(v1) && Math.abs(Instant.now().getEpochSecond() - t) < 300;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void eachHealthChangeIsToldOnceByEmailAndWebhookAcrossTwoReplicas() throws Exception {
        int a = replica("replica-a", true).port();
        int b = replica("replica-b", true).port();
        IterableProject project = iterable.addProject("p-notify", API_KEY, IterableProject.Identity.USER_ID);
        project.faults().failNext(100_000, 503);
        refuseNext.set(2);
        String body = new JsonObject().put("apiKey", API_KEY).put("notifications", new JsonObject()
                .put("emails", new JsonArray().add(MAILBOX))
                .put("webhook", new JsonObject().put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks/subsets")
                        .put("secret", WEBHOOK_SECRET))
                .put("on", "every_run")).encode();
        ProvisionerTestKit.Reply registered = operator(a, "PUT", "/v1/tenants/notify/destinations/iterable", body);
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.body()).doesNotContain(WEBHOOK_SECRET).doesNotContain(API_KEY);
        JsonObject shown = registered.json().getJsonObject("notifications");
        assertThat(shown.getJsonArray("emails")).containsExactly(MAILBOX);
        assertThat(shown.getString("on")).isEqualTo("every_run");
        assertThat(shown.getJsonObject("webhook").getString("secretFingerprint")).startsWith("sha256:");

        // FAILED, and failing again run after run at both replicas: one notice.
        await("FAILED", WAIT, () -> status(b, "notify", "iterable").equals("FAILED"));
        await("several failed runs", WAIT, () -> count("SELECT count(*) FROM provisioning_attempt WHERE outcome = 'FAILED'") >= 4);
        await("the failure told by webhook and e-mail", WAIT, () -> sent().size() == 1 && smtp.getReceivedMessages().length == 1);

        // READY again: the recovery.
        project.faults().failNext(0, 503);
        await("READY", WAIT, () -> status(a, "notify", "iterable").equals("READY"));
        await("the recovery told", WAIT, () -> sent().size() == 2 && smtp.getReceivedMessages().length == 2);

        // The backfill finishes (every_run): reported to both replicas, the second answered 404; one notice.
        long resync = operator(a, "GET", "/v1/tenants/notify/destinations/iterable/status", null).json()
                .getJsonObject("resync").getLong("id");
        String done = new JsonObject().put("position", 10).put("endOffset", 10).put("total", 7).put("sent", 7).put("done", true).encode();
        assertThat(dispatcher(a, "POST", "/v1/dispatch/iterable/resyncs/" + resync, done)).isEqualTo(204);
        assertThat(dispatcher(b, "POST", "/v1/dispatch/iterable/resyncs/" + resync, done)).isEqualTo(404);
        await("the finished backfill told", WAIT, () -> sent().size() == 3 && smtp.getReceivedMessages().length == 3);

        // DEGRADED: the lane parks, reported to both replicas twice; then it recovers, reported to both.
        String parking = new JsonObject().put("partition", 0).put("fromOffset", 5)
                .put("reason", "Iterable answered 503 Service Unavailable for 2 minutes").put("parkedAt", Instant.now().toString()).encode();
        for (int port : new int[] {a, b, a, b}) {
            assertThat(dispatcher(port, "PUT", "/v1/dispatch/iterable/parkings/notify", parking)).isEqualTo(204);
        }
        assertThat(status(b, "notify", "iterable")).isEqualTo("DEGRADED");
        await("the parking told", WAIT, () -> sent().size() == 4 && smtp.getReceivedMessages().length == 4);
        for (int port : new int[] {b, a}) {
            assertThat(dispatcher(port, "DELETE", "/v1/dispatch/iterable/parkings/notify?partition=0&fromOffset=5", null)).isEqualTo(204);
        }
        await("the recovery told", WAIT, () -> sent().size() == 5 && smtp.getReceivedMessages().length == 5);
        Thread.sleep(1_500);

        List<JsonObject> notices = sent();
        assertThat(notices).extracting(n -> n.getString("type")).containsExactly("destination.failed", "destination.recovered",
                "run.finished", "destination.degraded", "destination.recovered");
        assertThat(notices).extracting(n -> n.getString("id")).doesNotHaveDuplicates();
        assertThat(notices).extracting(n -> n.getString("status")).containsExactly("FAILED", "READY", null, "DEGRADED", "READY");
        assertThat(notices.get(0).getString("reason")).as("the vendor's reason").contains("503");
        assertThat(notices.get(3).getString("reason")).isEqualTo("Iterable answered 503 Service Unavailable for 2 minutes");
        assertThat(notices.get(2).getJsonObject("details").getLong("sent")).isEqualTo(7L);
        assertThat(received).as("every call signed").allSatisfy(r -> assertThat(r.signed()).isTrue());
        com.networknt.schema.JsonSchema schema = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(getClass().getResourceAsStream(
                "/notifications/notification-webhook.v1.schema.json"));
        ObjectMapper json = new ObjectMapper();
        for (Received r : received) {
            assertThat(schema.validate(json.readTree(r.body().encode()))).as("the documented schema: " + r.body()).isEmpty();
        }
        assertThat(received).allSatisfy(r -> assertThat(r.body().encode()).doesNotContain(WEBHOOK_SECRET).doesNotContain(API_KEY));
        assertThat(received.stream().filter(r -> r.answered() == 503)).as("the receiver's refusals").hasSize(2);
        assertThat(received).as("nothing else: one call per notice, plus the two refused").hasSize(7);
        assertThat(count("SELECT count(*) FROM notification_attempt WHERE outcome = 'RETRY' AND status_code = 503")).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM notification_attempt WHERE outcome = 'SENT'")).isEqualTo(10);

        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(5);
        assertThat(mails[0].getSubject()).isEqualTo("Subsets: the Iterable connection for notify is not working");
        String failedText = GreenMailUtil.getBody(mails[0]);
        assertThat(failedText).contains("What Iterable said:").contains("503").doesNotContain(API_KEY).doesNotContain(WEBHOOK_SECRET);
        assertThat(mails[3].getSubject()).isEqualTo("Subsets: updates to Iterable for notify are paused");
        assertThat(mails[4].getSubject()).isEqualTo("Subsets: the Iterable connection for notify works again");
        assertThat(mails[0].getAllRecipients()[0].toString()).isEqualTo(MAILBOX);
    }

    @Test
    void outsideLocalModeAnHttpWebhookIsRefusedWithA400() throws Exception {
        int port = replica("production", false).port();
        iterable.addProject("p-http", API_KEY, IterableProject.Identity.USER_ID);
        ProvisionerTestKit.Reply reply = operator(port, "PUT", "/v1/tenants/plain/destinations/iterable", new JsonObject()
                .put("apiKey", API_KEY).put("notifications", new JsonObject().put("webhook", new JsonObject()
                        .put("url", "http://hooks.tenant.example/subsets").put("secret", WEBHOOK_SECRET))).encode());
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().getString("code")).isEqualTo("invalid_destination");
        assertThat(reply.json().getJsonArray("violations")).containsExactly(new JsonObject().put("path", "notifications.webhook.url")
                .put("message", "must be an https URL (http is allowed only in local mode: PROVISIONER_NOTIFICATIONS_ALLOW_HTTP), "
                        + "was \"http://hooks.tenant.example/subsets\""));
        assertThat(reply.body()).doesNotContain(WEBHOOK_SECRET);
        assertThat(operator(port, "GET", "/v1/tenants/plain/destinations/iterable", null).status()).as("nothing registered").isEqualTo(404);
    }

    /** The notices the receiver accepted, in order. */
    private List<JsonObject> sent() {
        return received.stream().filter(r -> r.answered() == 204).map(Received::body).toList();
    }

    private static int dispatcher(int port, String method, String path, String body) {
        return ProvisionerTestKit.call(port, method, path, ProvisionerTestKit.DISPATCHER_TOKEN, body).status();
    }

    private long count(String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
