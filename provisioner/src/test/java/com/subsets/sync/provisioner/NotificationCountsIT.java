package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.UniqueSubscribers;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notices counted from the delivery reports, with two provisioner replicas on one database, a real SMTP server
 * (GreenMail) and a webhook receiver checking every signature: dead letters reaching a destination's threshold in an
 * hour are told once, and again only after they fell below it; a destination on {@code every_run} gets one summary of
 * the day before, however often both replicas check.
 */
@ExtendWith(RealServices.class)
class NotificationCountsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String API_KEY = "iterable-key-counts";
    private static final String WEBHOOK_SECRET = "whsec-counts-0123456789abcdef";
    private static final String MAILBOX = "marketing@tenant.example";
    private static int run;

    private Vertx vertx;
    private IterableSimulator iterable;
    private GreenMail smtp;
    private HttpServer receiver;
    private PostgresEndpoint db;
    private KafkaService kafka;
    private String reports;
    private final List<ProvisionerService> replicas = new ArrayList<>();
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private final List<Boolean> signed = new CopyOnWriteArrayList<>();
    private int a;
    private int b;

    @BeforeEach
    void start(PostgresService postgres, KafkaService kafka) throws Exception {
        this.kafka = kafka;
        vertx = Vertx.vertx();
        iterable = new IterableSimulator(vertx);
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String text = body.toString(StandardCharsets.UTF_8);
            signed.add(signatureHolds(request.getHeader("Subsets-Signature"), text));
            received.add(new JsonObject(text));
            request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        db = postgres.createDatabase("notification_counts_it");
        reports = "notification-counts-it-" + (++run) + ".reports";
        kafka.createTopics(1, reports);
        kafka.createTopics(1, com.subsets.sync.model.Topics.deadLetter("iterable"), com.subsets.sync.model.Topics.deadLetter("blueconic"),
                com.subsets.sync.model.Topics.SEGMENT_MEMBERSHIPS);
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, iterable.port(), reports);
        env.put("PROVISIONER_SMTP_HOST", "127.0.0.1");
        env.put("PROVISIONER_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()));
        env.put("PROVISIONER_SMTP_STARTTLS", "disabled");
        env.put("PROVISIONER_SMTP_FROM", "notifier@subsets.test");
        env.put("PROVISIONER_NOTIFICATIONS_ALLOW_HTTP", "true");
        env.put("PROVISIONER_NOTIFICATIONS_INTERVAL_MS", "100");
        env.put("PROVISIONER_NOTIFICATIONS_DAILY_CHECK_MS", "100");
        env.put("PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR", "50");
        iterable.addProject("p-counts", API_KEY, IterableProject.Identity.USER_ID);
        for (String name : List.of("replica-a", "replica-b")) {
            Map<String, String> own = new HashMap<>(env);
            own.put("PROVISIONER_REPLICA", name);
            replicas.add(ProvisionerTestKit.start(own));
        }
        a = replicas.get(0).port();
        b = replicas.get(1).port();
    }

    @AfterEach
    void stop() throws Exception {
        for (ProvisionerService replica : replicas) {
            replica.close().await(30, TimeUnit.SECONDS);
        }
        smtp.stop();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void deadLettersReachingTheThresholdAreToldOnceAndAgainOnlyAfterFallingBelowIt() throws Exception {
        register("dead", new JsonObject().put("deadLettersPerHour", 5).put("on", "failures"));
        ProvisionerTestKit.Reply defaulted = operator(a, "PUT", "/v1/tenants/plain/destinations/iterable", new JsonObject()
                .put("apiKey", API_KEY).put("notifications", notifications()).encode());
        assertThat(defaulted.json().getJsonObject("notifications").getInteger("deadLettersPerHour"))
                .as("PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR").isEqualTo(50);
        ProvisionerTestKit.Reply invalid = operator(b, "PUT", "/v1/tenants/plain/destinations/iterable", new JsonObject()
                .put("apiKey", API_KEY).put("notifications", notifications().put("deadLettersPerHour", 0)).encode());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().getJsonArray("violations")).containsExactly(new JsonObject()
                .put("path", "notifications.deadLettersPerHour").put("message", "must be a whole number from 1 to 10000000, was 0"));

        Instant now = Instant.now();
        DeliveryReport.LastError refusal = new DeliveryReport.LastError(now, "destination_error_400",
                "Iterable answered 400: Invalid email address");
        DeliveryReport first = report("dead", now, 3, refusal);
        // 3, the same report again (counted once), 3 more: 6 reach 5; 4 more stay above. 2 hours later the hour is empty:
        // 2 stay below, 3 more reach 5 again. "plain" (50 an hour) is never told of its 20.
        send(first, first, report("dead", now.plusSeconds(1), 3, refusal), report("dead", now.plusSeconds(2), 4, refusal),
                report("plain", now, 20, refusal));
        await("the first crossing told", WAIT, () -> deadLetterNotices().size() == 1 && smtp.getReceivedMessages().length == 1);
        send(report("dead", now.plus(Duration.ofHours(2)), 2, refusal),
                report("dead", now.plus(Duration.ofHours(2)).plusSeconds(1), 3, refusal));
        await("the second crossing told", WAIT, () -> deadLetterNotices().size() == 2 && smtp.getReceivedMessages().length == 2);
        await("every report applied", WAIT, () -> count("SELECT count(*) FROM delivery_report_applied") == 6);
        Thread.sleep(1_500);

        List<JsonObject> notices = deadLetterNotices();
        assertThat(received).as("nothing else told").hasSize(2);
        assertThat(notices).extracting(n -> n.getString("tenantId")).containsExactly("dead", "dead");
        assertThat(notices).extracting(n -> n.getString("reason")).containsOnly("Iterable answered 400: Invalid email address");
        assertThat(notices).extracting(n -> n.getJsonObject("details").getLong("deadLettered")).containsExactly(6L, 5L);
        assertThat(notices.get(0).getJsonObject("details").getInteger("deadLettersPerHour")).isEqualTo(5);
        assertThat(notices.get(0).getJsonObject("details").getString("errorReason")).isEqualTo("destination_error_400");
        assertValid(notices);
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails[0].getSubject()).isEqualTo("Subsets: updates to Iterable for dead are failing");
        assertThat(GreenMailUtil.getBody(mails[0])).contains("6 updates for dead could not be delivered to Iterable in the last hour")
                .contains("Iterable answered 400: Invalid email address").doesNotContain(API_KEY).doesNotContain(WEBHOOK_SECRET);
        assertThat(count("SELECT count(*) FROM notification_event WHERE type = 'destination.dead_letters'")).isEqualTo(2);
    }

    @Test
    void aDestinationOnEveryRunGetsOneSummaryOfTheDayBeforeAcrossTwoReplicas() throws Exception {
        register("daily", new JsonObject().put("on", "every_run"));
        register("quiet", new JsonObject().put("on", "failures"));
        Instant yesterday = LocalDate.now(ZoneOffset.UTC).minusDays(1).atTime(12, 0).toInstant(ZoneOffset.UTC);
        UniqueSubscribers sketch = UniqueSubscribers.empty();
        for (int i = 0; i < 4; i++) {
            sketch.add(new Subscriber("u" + i, null));
        }
        send(DeliveryReport.create("daily", "iterable", yesterday, 7, 1, 2, yesterday,
                new DeliveryReport.LastError(yesterday, "destination_error_400", "Iterable answered 400: Invalid email address"),
                sketch.state(), List.of()));
        await("yesterday reported", WAIT, () -> count("SELECT count(*) FROM delivery_day WHERE tenant_id = 'daily'") == 1);
        Thread.sleep(500);
        assertThat(received).as("registered today: no summary of yesterday").isEmpty();
        // Both as if registered two days ago; both replicas check every 100 ms.
        execute("UPDATE destination SET created_at = now() - interval '2 days'");
        await("the summary told", WAIT, () -> received.size() == 1 && smtp.getReceivedMessages().length == 1);
        Thread.sleep(2_000);

        assertThat(received).as("one summary, only for every_run").hasSize(1);
        JsonObject summary = received.get(0);
        assertThat(summary.getString("type")).isEqualTo("daily.summary");
        assertThat(summary.getString("tenantId")).isEqualTo("daily");
        assertThat(summary.getString("reason")).isEqualTo("Iterable answered 400: Invalid email address");
        assertThat(summary.getJsonObject("details")).isEqualTo(new JsonObject().put("day", yesterday.atOffset(ZoneOffset.UTC)
                .toLocalDate().toString()).put("updated", 7).put("rejected", 1).put("deadLettered", 2).put("uniqueUpdated", 4));
        assertValid(received);
        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(1);
        assertThat(GreenMailUtil.getBody(mails[0])).contains("- updates delivered: 7").contains("- subscribers updated: about 4");
        assertThat(count("SELECT count(*) FROM notification_daily")).isEqualTo(1);
    }

    private void register(String tenant, JsonObject settings) throws InterruptedException {
        JsonObject notifications = notifications();
        settings.forEach(e -> notifications.put(e.getKey(), e.getValue()));
        ProvisionerTestKit.Reply reply = operator(a, "PUT", "/v1/tenants/" + tenant + "/destinations/iterable",
                new JsonObject().put("apiKey", API_KEY).put("notifications", notifications).encode());
        assertThat(reply.status()).isEqualTo(201);
        await(tenant + " READY", WAIT, () -> status(b, tenant, "iterable").equals("READY"));
    }

    private JsonObject notifications() {
        return new JsonObject().put("emails", new JsonArray().add(MAILBOX)).put("webhook", new JsonObject()
                .put("url", "http://127.0.0.1:" + receiver.actualPort() + "/hooks").put("secret", WEBHOOK_SECRET));
    }

    private static DeliveryReport report(String tenant, Instant at, long deadLettered, DeliveryReport.LastError error) {
        return DeliveryReport.create(tenant, "iterable", at, 0, 0, deadLettered, null, error);
    }

    private void send(DeliveryReport... batch) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (DeliveryReport report : batch) {
                producer.send(new ProducerRecord<>(reports, report.tenantId(), report.encode())).get();
            }
        }
    }

    private List<JsonObject> deadLetterNotices() {
        return received.stream().filter(n -> n.getString("type").equals("destination.dead_letters")).toList();
    }

    private void assertValid(List<JsonObject> notices) throws Exception {
        assertThat(signed).as("every call signed").isNotEmpty().allSatisfy(s -> assertThat(s).isTrue());
        com.networknt.schema.JsonSchema schema = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012).getSchema(getClass().getResourceAsStream(
                "/notifications/notification-webhook.v1.schema.json"));
        ObjectMapper json = new ObjectMapper();
        for (JsonObject notice : notices) {
            assertThat(schema.validate(json.readTree(notice.encode()))).as("the documented schema: " + notice).isEmpty();
            assertThat(notice.encode()).doesNotContain(WEBHOOK_SECRET).doesNotContain(API_KEY);
        }
    }

    /** The receiver's own check, apart from the provisioner's: HMAC-SHA256 of "t.body", t within 5 minutes. */
    private static boolean signatureHolds(String header, String body) {
        if (header == null || !header.matches("t=\\d+,v1=[0-9a-f]{64}")) {
            return false;
        }
        long t = Long.parseLong(header.substring(2, header.indexOf(',')));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
            return expected.equals(header.substring(header.indexOf("v1=") + 3)) && Math.abs(Instant.now().getEpochSecond() - t) < 300;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
