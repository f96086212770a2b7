package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 29 part 2 end to end (real broker and PostgreSQL, the Iterable dispatcher reading a state topic, the
 * simulator): a subscriber is delivered, one Iterable refuses (forgotten) and one whose next body Iterable refuses for
 * good; the deliveries endpoint shows the values last delivered (the refusal after them does not hide them), the
 * vendor's answers, the dead letters' reasons and words, and, with the dispatcher stopped, a replay naming the
 * subscriber and a parking of the destination pending. Another tenant's lookup token gets 404, none 401.
 */
@ExtendWith(RealServices.class)
class SubscriberDeliveriesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CHURN = "subsetsSubscriberChurnRisk";
    private static final String SD_TOKEN = "lookup-token-of-sd";
    private static final String OTHER_TOKEN = "lookup-token-of-other";

    @Test
    void aSubscribersStoryAtIterable(PostgresService postgres, KafkaService kafka) throws Exception {
        Map<String, String> lookups = Map.of("PROVISIONER_LOOKUP_TOKEN_SHA256", "sd:" + TokenAuthenticator.sha256Hex(SD_TOKEN)
                + ",other:" + TokenAuthenticator.sha256Hex(OTHER_TOKEN));
        try (StatePipeline stack = new StatePipeline(postgres, kafka, "subscriber-deliveries-it", lookups)) {
            IterableProject project = stack.iterable.addProject("p-sd", "iterable-key-sd", IterableProject.Identity.USER_ID);
            stack.operator("PUT", "/v1/tenants/sd/destinations/iterable",
                    new JsonObject().put("apiKey", "iterable-key-sd").put("backfill", false).encode());
            await("READY", WAIT, () -> ProvisionerTestKit.status(stack.port, "sd", "iterable").equals("READY"));
            stack.startIterableDispatcher();

            // Delivered.
            stack.putState("sd", new Subscriber("u1", "u1@example.com"), StatePipeline.assigned("0.42"));
            JsonObject u1 = awaitAnswer(stack, "u1", "", a -> "accepted".equals(a.getString("outcome")));
            assertThat(u1.getJsonObject("subscriber").getString("email")).isEqualTo("u1@example.com");
            assertThat(u1.getJsonObject("lastDelivered").getJsonObject("values").getString(CHURN)).isEqualTo("0.42");
            assertThat(u1.getJsonObject("lastDelivered").getJsonObject("values").getString("subsetsExperimentId")).isEqualTo("exp-1");
            assertThat(u1.getValue("lastDeadLetter")).isNull();
            assertThat(u1.getJsonObject("pending").getValue("replay")).isNull();
            assertThat(u1.getJsonObject("pending").getValue("parking")).isNull();

            // Refused by Iterable: a forgotten user, dead-lettered with Iterable's list that named it.
            project.forget("u2");
            stack.putState("sd", new Subscriber("u2", null), StatePipeline.assigned("0.13"));
            JsonObject u2 = awaitAnswer(stack, "u2", "", a -> "dead_lettered".equals(a.getString("outcome")));
            assertThat(u2.getJsonObject("lastAnswer").getString("reason")).isEqualTo("forgotten");
            assertThat(u2.getJsonObject("lastDeadLetter").getString("reason")).isEqualTo("forgotten");
            assertThat(u2.getJsonObject("lastDeadLetter").getString("detail")).contains("forgotten");
            assertThat(u2.getJsonObject("lastDeadLetter").getJsonObject("values").getString(CHURN)).isEqualTo("0.13");
            assertThat(u2.getValue("lastDelivered")).as("never delivered").isNull();

            // u1's next body Iterable refuses for good (400): dead-lettered, and the values last delivered stay 0.42.
            project.faults().poisonBodiesContaining("\"u1\"", 400);
            stack.putState("sd", new Subscriber("u1", "u1@example.com"), StatePipeline.assigned("0.55"));
            JsonObject refused = awaitAnswer(stack, "u1", "", a -> "dead_lettered".equals(a.getString("outcome")));
            assertThat(refused.getJsonObject("lastDelivered").getJsonObject("values").getString(CHURN))
                    .as("a refusal never hides the values last delivered").isEqualTo("0.42");
            assertThat(refused.getJsonObject("lastDeadLetter").getJsonObject("values").getString(CHURN)).isEqualTo("0.55");
            assertThat(refused.getJsonObject("lastDeadLetter").getString("reason")).isNotBlank();
            assertThat(refused.getJsonObject("lastAnswer").getString("detail")).as("Iterable's words").isNotBlank();
            project.faults().poisonBodiesContaining(null, 0);

            // By e-mail: the same row (keyed by the userId the e-mail is linked to).
            JsonObject byEmail = destination(story(stack, "u1@example.com", "?by=email", ProvisionerTestKit.OPERATOR_TOKEN));
            assertThat(byEmail.getJsonObject("lastDelivered").getJsonObject("values").getString(CHURN)).isEqualTo("0.42");

            // With the dispatcher stopped, a replay of the dead letters and a parking stay pending.
            stack.stopIterableDispatcher();
            ProvisionerTestKit.Reply replay = stack.operator("POST", "/v1/tenants/sd/destinations/iterable/replay", "{}");
            assertThat(replay.status()).as(replay.body()).isEqualTo(202);
            ProvisionerTestKit.Reply parked = ProvisionerTestKit.call(stack.port, "PUT", "/v1/dispatch/iterable/parkings/sd",
                    ProvisionerTestKit.DISPATCHER_TOKEN, new JsonObject().put("partition", 0).put("fromOffset", 0)
                            .put("reason", "unreachable: connection refused").put("parkedAt", "2026-12-06T10:00:00Z").encode());
            assertThat(parked.status()).as(parked.body()).isEqualTo(204);
            JsonObject pending = destination(story(stack, "u1", "", SD_TOKEN)).getJsonObject("pending");
            assertThat(pending.getJsonObject("replay").getString("reason")).isEqualTo("replay");
            assertThat(pending.getJsonObject("replay").getString("status")).isEqualTo("PENDING");
            assertThat(pending.getJsonObject("parking").getString("reason")).isEqualTo("unreachable: connection refused");
            assertThat(pending.getValue("resync")).as("no resync of everyone asked for").isNull();
            JsonObject nobody = destination(story(stack, "u9", "", SD_TOKEN));
            assertThat(nobody.getValue("lastAnswer")).as("nothing answered for u9").isNull();
            assertThat(nobody.getJsonObject("pending").getValue("replay")).as("the replay does not name u9").isNull();
            assertThat(nobody.getJsonObject("pending").getJsonObject("parking")).as("the destination is parked").isNotNull();

            // Tenant isolation and bounds.
            ProvisionerTestKit.Reply foreign = storyReply(stack, "u1", "", OTHER_TOKEN);
            assertThat(foreign.status()).isEqualTo(404);
            assertThat(foreign.body()).doesNotContain("0.42");
            assertThat(storyReply(stack, "u1", "", null).status()).isEqualTo(401);
            assertThat(storyReply(stack, "u1", "", SD_TOKEN).status()).isEqualTo(200);
            ProvisionerTestKit.Reply tooLong = storyReply(stack, "u".repeat(257), "", SD_TOKEN);
            assertThat(tooLong.status()).isEqualTo(400);
            assertThat(tooLong.json().getString("code")).isEqualTo("invalid_subscriber");
            ProvisionerTestKit.Reply badBy = storyReply(stack, "u1", "?by=phone", SD_TOKEN);
            assertThat(badBy.json().getString("code")).isEqualTo("invalid_by");
            assertThat(storyReply(stack, "not-an-address", "?by=email", SD_TOKEN).json().getString("code")).isEqualTo("invalid_subscriber");
            assertThat(storyReply(stack, "u1", "", ProvisionerTestKit.OPERATOR_TOKEN).status()).isEqualTo(200);
        }
    }

    /**
     * The provisioner's side of the cost: a backfill's answers (50,000 subscribers, each answered twice, 1,000 rows a
     * record) fold into one row per subscriber, the later answer winning; prints the rows folded per second.
     */
    @Test
    void foldsABackfillsAnswersIntoOneRowPerSubscriber(PostgresService postgres, KafkaService kafka) throws Exception {
        try (StatePipeline stack = new StatePipeline(postgres, kafka, "subscriber-deliveries-bulk-it")) {
            stack.iterable.addProject("p-bulk", "iterable-key-bulk", IterableProject.Identity.USER_ID);
            stack.operator("PUT", "/v1/tenants/bulk/destinations/iterable",
                    new JsonObject().put("apiKey", "iterable-key-bulk").put("backfill", false).encode());
            int subscribers = 50_000;
            java.util.Properties props = new java.util.Properties();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            long started = System.nanoTime();
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(props,
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (int pass = 0; pass < 2; pass++) {
                    java.time.Instant at = java.time.Instant.parse("2026-12-06T10:00:00Z").plusSeconds(pass);
                    for (int from = 0; from < subscribers; from += 1000) {
                        java.util.List<com.subsets.sync.model.SubscriberDeliveries.Row> rows = new java.util.ArrayList<>();
                        for (int i = from; i < from + 1000; i++) {
                            rows.add(new com.subsets.sync.model.SubscriberDeliveries.Row(new Subscriber("u" + i, "u" + i + "@example.com"),
                                    com.subsets.sync.model.SubscriberDeliveries.Outcome.ACCEPTED, null, null,
                                    Map.of(com.subsets.sync.model.DestinationField.CHURN_RISK,
                                            com.subsets.sync.model.FieldValue.set(pass == 0 ? "0.10" : "0.20"))));
                        }
                        for (byte[] value : com.subsets.sync.model.SubscriberDeliveries.encode("bulk", "iterable", at, rows, 256 * 1024)) {
                            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(stack.deliveriesTopic,
                                    "bulk".getBytes(StandardCharsets.UTF_8), value));
                        }
                    }
                }
            }
            String url = "jdbc:postgresql://" + stack.provisionerEnv.get("PROVISIONER_DB_HOST") + ":"
                    + stack.provisionerEnv.get("PROVISIONER_DB_PORT") + "/" + stack.provisionerEnv.get("PROVISIONER_DB_NAME");
            long[] counts = new long[2];
            await("every subscriber's second answer folded", WAIT, () -> {
                try (var c = java.sql.DriverManager.getConnection(url, stack.provisionerEnv.get("PROVISIONER_DB_USER"),
                        stack.provisionerEnv.get("PROVISIONER_DB_PASSWORD"));
                     var rs = c.createStatement().executeQuery("SELECT count(*), count(*) FILTER (WHERE "
                             + "delivered_values->>'subsetsSubscriberChurnRisk' = '0.20') FROM subscriber_delivery WHERE tenant_id = 'bulk'")) {
                    rs.next();
                    counts[0] = rs.getLong(1);
                    counts[1] = rs.getLong(2);
                    return counts[1] == subscribers;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(counts[0]).as("one row per subscriber, however many answers").isEqualTo(subscribers);
            System.out.printf("subscriber deliveries: %,d rows (%,d subscribers answered twice) folded into subscriber_delivery "
                    + "in %.1f s: %,.0f rows/s%n", 2 * subscribers, subscribers, seconds, 2 * subscribers / seconds);
            JsonObject last = destination(story(stack.port, "bulk", "u123", "", ProvisionerTestKit.OPERATOR_TOKEN));
            assertThat(last.getJsonObject("lastDelivered").getJsonObject("values").getString(CHURN)).isEqualTo("0.20");
        }
    }

    private interface AnswerCheck {
        boolean test(JsonObject lastAnswer);
    }

    /** The subscriber's Iterable entry once its last answer passes {@code check}. */
    private static JsonObject awaitAnswer(StatePipeline stack, String id, String query, AnswerCheck check) throws InterruptedException {
        JsonObject[] found = new JsonObject[1];
        await(id + "'s answer", WAIT, () -> {
            JsonObject entry = destination(story(stack, id, query, ProvisionerTestKit.OPERATOR_TOKEN));
            found[0] = entry;
            return entry.getValue("lastAnswer") instanceof JsonObject answer && check.test(answer);
        });
        return found[0];
    }

    private static JsonObject destination(JsonObject story) {
        JsonArray destinations = story.getJsonArray("destinations");
        assertThat(destinations).hasSize(1);
        JsonObject entry = destinations.getJsonObject(0);
        assertThat(entry.getString("destination")).isEqualTo("iterable");
        return entry;
    }

    private static JsonObject story(StatePipeline stack, String id, String query, String token) {
        return story(stack.port, "sd", id, query, token);
    }

    private static JsonObject story(int port, String tenant, String id, String query, String token) {
        ProvisionerTestKit.Reply reply = storyReply(port, tenant, id, query, token);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private static ProvisionerTestKit.Reply storyReply(StatePipeline stack, String id, String query, String token) {
        return storyReply(stack.port, "sd", id, query, token);
    }

    private static ProvisionerTestKit.Reply storyReply(int port, String tenant, String id, String query, String token) {
        return ProvisionerTestKit.call(port, "GET", "/v1/tenants/" + tenant + "/subscribers/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/deliveries" + query, token, null);
    }
}
