package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 28 part 2 at Iterable, end to end (real broker and PostgreSQL, the Iterable dispatcher reading a state topic,
 * the simulator): a test delivery of two subscribers and one Subsets has no state for is sent through the dispatcher
 * and read back, and agrees; after the project starts dropping the churn risk field, a test delivery of a changed
 * subscriber disagrees on that field alone, the vendor still holding the older value.
 */
@ExtendWith(RealServices.class)
class TestDeliveryIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TEST = "/v1/tenants/tst/destinations/iterable/test";
    private static final String CHURN = "subsetsSubscriberChurnRisk";

    @Test
    void aTestDeliveryThatAgreesAndOneThatDoesNot(PostgresService postgres, KafkaService kafka) throws Exception {
        try (StatePipeline stack = new StatePipeline(postgres, kafka, "test-delivery-it")) {
            IterableProject project = stack.iterable.addProject("p-tst", "iterable-key-tst", IterableProject.Identity.USER_ID);
            stack.operator("PUT", "/v1/tenants/tst/destinations/iterable", new JsonObject().put("apiKey", "iterable-key-tst").encode());
            await("READY", WAIT, () -> ProvisionerTestKit.status(stack.port, "tst", "iterable").equals("READY"));
            stack.startIterableDispatcher();
            await("the first READY's backfill done", WAIT, () -> "DONE".equals(lastRun(stack).getString("status")));
            stack.putState("tst", new Subscriber("u1", "u1@example.com"), StatePipeline.assigned("0.42"));
            stack.putState("tst", new Subscriber("u2", "u2@example.com"), StatePipeline.assigned("0.13"));

            // Refused before anything is queued: 26 subscribers, an entry without an identifier.
            JsonArray many = new JsonArray();
            for (int i = 0; i < 26; i++) {
                many.add(new JsonObject().put("userId", "u" + i));
            }
            ProvisionerTestKit.Reply tooMany = stack.operator("POST", TEST, new JsonObject().put("subscribers", many).encode());
            assertThat(tooMany.status()).isEqualTo(400);
            assertThat(tooMany.json().getString("code")).isEqualTo("invalid_test_subscribers");
            ProvisionerTestKit.Reply nameless = stack.operator("POST", TEST, "{\"subscribers\":[{\"email\":\"not-an-address\"}]}");
            assertThat(nameless.status()).isEqualTo(400);
            assertThat(nameless.json().getJsonArray("violations").getJsonObject(0).getString("path")).isEqualTo("subscribers[0].email");
            ProvisionerTestKit.Reply noneSaved = stack.operator("POST", TEST, null);
            assertThat(noneSaved.status()).as("no body and none saved").isEqualTo(400);
            assertThat(noneSaved.json().getString("code")).isEqualTo("invalid_test_subscribers");
            assertThat(noneSaved.json().getJsonArray("violations").getJsonObject(0).getString("message")).contains("none saved");
            ProvisionerTestKit.Reply tooManySaved = stack.operator("PUT", "/v1/tenants/tst/destinations/iterable", new JsonObject()
                    .put("apiKey", "iterable-key-tst").put("testSubscribers", many).put("region", "mars").encode());
            assertThat(tooManySaved.status()).isEqualTo(400);
            assertThat(tooManySaved.json().getJsonArray("violations")).extracting(v -> ((JsonObject) v).getString("path"))
                    .as("reported with the registration's own problems").containsExactlyInAnyOrder("region", "testSubscribers");

            JsonObject agreed = testOf(stack, new JsonArray().add(new JsonObject().put("userId", "u1"))
                    .add(new JsonObject().put("userId", "u2").put("email", "u2@example.com"))
                    .add(new JsonObject().put("email", "nobody@example.com")));
            JsonArray subscribers = agreed.getJsonArray("subscribers");
            assertThat(subscribers).hasSize(3);
            JsonObject u1 = subscribers.getJsonObject(0);
            assertThat(u1.getJsonObject("subscriber").getString("email")).as("the identity the state holds").isEqualTo("u1@example.com");
            assertThat(u1.getBoolean("agree")).as(u1.encodePrettily()).isTrue();
            assertThat(u1.getJsonObject("sent").getString(CHURN)).isEqualTo("0.42");
            assertThat(u1.getJsonObject("vendor").getString(CHURN)).isEqualTo("0.42");
            assertThat(u1.getJsonObject("fields").getJsonObject(CHURN).getBoolean("agrees")).isTrue();
            assertThat(u1.getJsonObject("fields").getJsonObject("subsetsExperimentAddedAt").getBoolean("agrees")).isTrue();
            assertThat(subscribers.getJsonObject(1).getBoolean("agree")).isTrue();
            assertThat(subscribers.getJsonObject(1).getJsonObject("vendor").getString(CHURN)).isEqualTo("0.13");
            JsonObject nobody = subscribers.getJsonObject(2);
            assertThat(nobody.getBoolean("state")).as("Subsets holds nothing for it").isFalse();
            assertThat(nobody.getBoolean("agree")).isFalse();
            assertThat(nobody.getValue("vendor")).as("nor does Iterable").isNull();
            java.util.List<Long> reads = project.calls().stream().filter(c -> c.method().equals("GET")
                    && (c.path().startsWith("/api/users/byUserId/") || c.path().startsWith("/api/users/getByEmail"))).map(c -> c.atMillis()).toList();
            assertThat(reads).as("each subscriber read back once").hasSize(3);
            for (int i = 1; i < reads.size(); i++) {
                assertThat(reads.get(i) - reads.get(i - 1)).as("one read at a time, paced within Iterable's 100/s").isGreaterThanOrEqualTo(45);
            }

            // Saved on the destination (changing them alone provisions nothing again), they are what a test with no body sends.
            JsonArray saved = new JsonArray().add(new JsonObject().put("userId", "u2")).add(new JsonObject().put("userId", "u1")
                    .put("email", "u1@example.com"));
            ProvisionerTestKit.Reply save = stack.operator("PUT", "/v1/tenants/tst/destinations/iterable", new JsonObject()
                    .put("apiKey", "iterable-key-tst").put("testSubscribers", saved).encode());
            assertThat(save.status()).as("unchanged registration").isEqualTo(200);
            assertThat(stack.operator("GET", "/v1/tenants/tst/destinations/iterable", null).json().getJsonArray("testSubscribers"))
                    .isEqualTo(saved);
            JsonObject bySaved = testOf(stack, null);
            assertThat(bySaved.getJsonArray("subscribers")).extracting(o -> ((JsonObject) o).getJsonObject("subscriber").getString("userId"))
                    .containsExactly("u2", "u1");
            assertThat(bySaved.getJsonArray("subscribers")).allSatisfy(o -> assertThat(((JsonObject) o).getBoolean("agree")).isTrue());

            // The project now drops the churn risk: u1's newer value never lands, and the test says so, on that field.
            project.filterOutField(CHURN);
            stack.putState("tst", new Subscriber("u1", "u1@example.com"), StatePipeline.assigned("0.55"));
            JsonObject disagreed = testOf(stack, new JsonArray().add(new JsonObject().put("userId", "u1")));
            JsonObject again = disagreed.getJsonArray("subscribers").getJsonObject(0);
            assertThat(again.getBoolean("agree")).as(again.encodePrettily()).isFalse();
            assertThat(again.getJsonObject("sent").getString(CHURN)).isEqualTo("0.55");
            assertThat(again.getJsonObject("vendor").getString(CHURN)).isEqualTo("0.42");
            JsonObject fields = again.getJsonObject("fields");
            assertThat(fields.getJsonObject(CHURN).getBoolean("agrees")).isFalse();
            assertThat(fields.getJsonObject("subsetsExperimentId").getBoolean("agrees")).isTrue();
            assertThat(fields.getJsonObject("subsetsExperimentAssignment").getBoolean("agrees")).isTrue();

            // The tests are runs of the history; an id that is not a test of this destination is 404.
            JsonArray runs = stack.operator("GET", "/v1/tenants/tst/destinations/iterable/status", null).json().getJsonArray("runs");
            assertThat(runs.getJsonObject(0).getString("run")).isEqualTo("test");
            assertThat(stack.operator("GET", TEST + "/" + runs.getJsonObject(runs.size() - 1).getLong("id"), null).status())
                    .as("the backfill is no test").isEqualTo(404);
        }
    }

    @Test
    void aBlueConicTestDeliveryOfTheSavedSubscribersIsReadBackByTheMatchingProperty(PostgresService postgres, KafkaService kafka)
            throws Exception {
        try (StatePipeline stack = new StatePipeline(postgres, kafka, "test-delivery-bc-it")) {
            BlueConicTenant tenant = stack.blueConic.addTenant("tbc", "client-tbc", "secret-tbc");
            String destination = "/v1/tenants/tbc/destinations/blueconic";
            ProvisionerTestKit.Reply put = stack.operator("PUT", destination, new JsonObject()
                    .put("instanceUrl", "http://127.0.0.1:" + stack.blueConic.port()).put("clientId", "client-tbc")
                    .put("clientSecret", "secret-tbc").put("strategy", "UPSERT")
                    .put("testSubscribers", new JsonArray().add(new JsonObject().put("userId", "b1").put("email", "b1@example.com"))
                            .add(new JsonObject().put("email", "nobody@example.com"))).encode());
            assertThat(put.status()).as(put.body()).isEqualTo(201);
            await("READY", WAIT, () -> ProvisionerTestKit.status(stack.port, "tbc", "blueconic").equals("READY"));
            stack.startBlueConicDispatcher();
            await("the first READY's backfill done", WAIT, () -> "DONE".equals(lastRun(stack, destination).getString("status")));
            stack.putState("tbc", new Subscriber("b1", "b1@example.com"), StatePipeline.assigned("0.42"));

            JsonObject done = testOf(stack, destination + "/test", null);
            JsonArray subscribers = done.getJsonArray("subscribers");
            assertThat(subscribers).hasSize(2);
            JsonObject b1 = subscribers.getJsonObject(0);
            assertThat(b1.getBoolean("agree")).as(b1.encodePrettily()).isTrue();
            assertThat(b1.getJsonObject("fields").getJsonObject(CHURN).getBoolean("agrees")).isTrue();
            assertThat(b1.getJsonObject("vendor")).as("the profile BlueConic holds").isNotNull();
            assertThat(tenant.profileBy("email", "b1@example.com")).as("written by the dispatcher").isNotNull();
            JsonObject nobody = subscribers.getJsonObject(1);
            assertThat(nobody.getBoolean("state")).isFalse();
            assertThat(nobody.getValue("vendor")).as("no such profile").isNull();
            assertThat(tenant.calls()).filteredOn(c -> c.method().equals("GET") && c.path().equals("/rest/v2/profiles"))
                    .as("each saved subscriber looked up by the matching property").hasSize(2);
        }
    }

    /** Asks for a test delivery, sees it pending or running, and answers it once DONE. */
    private static JsonObject testOf(StatePipeline stack, JsonArray subscribers) throws InterruptedException {
        return testOf(stack, TEST, subscribers);
    }

    /** {@code subscribers} null: a POST without a body, the destination's saved test subscribers. */
    private static JsonObject testOf(StatePipeline stack, String test, JsonArray subscribers) throws InterruptedException {
        ProvisionerTestKit.Reply queued = stack.operator("POST", test, subscribers == null ? null
                : new JsonObject().put("subscribers", subscribers).encode());
        assertThat(queued.status()).as(queued.body()).isEqualTo(202);
        long id = queued.json().getLong("id");
        assertThat(queued.json().getString("status")).isIn("PENDING", "RUNNING");
        assertThat(queued.json().containsKey("subscribers")).isFalse();
        JsonObject[] done = new JsonObject[1];
        await("test delivery " + id + " done and read back", WAIT, () -> {
            ProvisionerTestKit.Reply reply = stack.operator("GET", test + "/" + id, null);
            done[0] = reply.json();
            return reply.status() == 200 && "DONE".equals(done[0].getString("status"));
        });
        assertThat(done[0].getJsonObject("resync").getString("reason")).isEqualTo("test");
        return done[0];
    }

    private static JsonObject lastRun(StatePipeline stack) {
        return lastRun(stack, "/v1/tenants/tst/destinations/iterable");
    }

    private static JsonObject lastRun(StatePipeline stack, String destination) {
        JsonArray runs = stack.operator("GET", destination + "/status", null).json().getJsonArray("runs");
        return runs.isEmpty() ? new JsonObject() : runs.getJsonObject(0);
    }
}
