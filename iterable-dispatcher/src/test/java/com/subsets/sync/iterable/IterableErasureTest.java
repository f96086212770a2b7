package com.subsets.sync.iterable;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An erase row at Iterable: looked up first, cleared only where the user exists, never created. */
class IterableErasureTest {

    private Vertx vertx;
    private IterableSimulator simulator;
    private IterableProject project;
    private IterableDestination destination;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new IterableSimulator(vertx);
        project = simulator.addProject("p1", "key-p1", IterableProject.Identity.USER_ID);
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        destination = new IterableDestination("p1", "key-p1", URI.create("http://127.0.0.1:" + simulator.port()),
                IterableDestination.Identifier.USER_ID, false, 5, 2);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private static SubscriberUpdate eraseRow(String userId) {
        SubscriberUpdate row = new SubscriberUpdate(userId);
        row.merge(new Erasure("er-" + userId, "acme", Instant.parse("2026-12-01T10:00:00Z"), new Subscriber(userId, null)),
                new SourceRecord("t", 0, 9, null, new byte[0], Map.of()));
        return row;
    }

    private static SubscriberUpdate valuesRow(String userId) {
        SubscriberUpdate row = new SubscriberUpdate(userId);
        row.merge(Events.assigned("acme", userId, "exp-1", "Winback", 1), new SourceRecord("t", 0, 1, null, new byte[0], Map.of()));
        return row;
    }

    @Test
    void aKnownUsersFieldsAreClearedAnUnknownOneIsNeitherWrittenNorCreated() throws Exception {
        IterableAdapter adapter = new IterableAdapter(vertx, Duration.ofSeconds(5));
        assertThat(adapter.prepare(destination, List.of(valuesRow("u-1"))).send().await(10, TimeUnit.SECONDS).outcomes())
                .containsExactly(Outcome.DELIVERED);
        assertThat(project.profile("u-1")).containsKey("subsetsExperimentId");
        project.recordBulkRequests();

        DeliveryResult result = adapter.prepare(destination, List.of(eraseRow("u-1"), eraseRow("u-9"), valuesRow("u-2")))
                .send().await(10, TimeUnit.SECONDS);

        assertThat(result.outcomes()).containsExactly(Outcome.CLEARED, Outcome.NOT_FOUND, Outcome.DELIVERED);
        assertThat(project.profile("u-1")).doesNotContainKeys("subsetsExperimentId", "subsetsExperimentName",
                "subsetsExperimentAssignment", "subsetsExperimentAddedAt", "subsetsSubscriberChurnRisk");
        assertThat(project.profile("u-9")).as("never created to be cleared").isNull();
        List<JsonObject> users = project.bulkRequests().get(0);
        assertThat(users).extracting(u -> u.getString("userId")).containsExactly("u-1", "u-2");
        JsonObject cleared = users.get(0).getJsonObject("dataFields");
        assertThat(cleared.fieldNames()).hasSize(5);
        assertThat(cleared.getMap().values()).containsOnlyNulls();
        assertThat(project.calls()).filteredOn(c -> c.path().startsWith("/api/users/byUserId/")).hasSize(2);
    }

    @Test
    void whenNoErasedUserExistsNoBulkUpdateIsSentAndAFailedLookupIsThatRowsFailure() throws Exception {
        IterableAdapter adapter = new IterableAdapter(vertx, Duration.ofSeconds(5));
        project.recordBulkRequests();

        DeliveryResult result = adapter.prepare(destination, List.of(eraseRow("u-9"))).send().await(10, TimeUnit.SECONDS);
        assertThat(result.outcomes()).containsExactly(Outcome.NOT_FOUND);
        assertThat(result.status()).isEqualTo(200);
        assertThat(project.bulkRequests()).isEmpty();

        project.faults().failNext(1, 503);
        DeliveryResult failed = adapter.prepare(destination, List.of(eraseRow("u-8"))).send().await(10, TimeUnit.SECONDS);
        assertThat(failed.outcomes()).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(Outcome.Kind.RETRIABLE);
            assertThat(o.reason()).isEqualTo("destination_error_503");
        });
        assertThat(project.bulkRequests()).isEmpty();
    }

    @Test
    void joiningKeepsTheBatchsOrderAndTheBulkAnswersThrottling() {
        List<SubscriberUpdate> rows = List.of(valuesRow("a"), eraseRow("b"), eraseRow("c"), eraseRow("d"));
        List<UserLookups.Found> found = List.of(UserLookups.Found.EXISTS, UserLookups.Found.EXISTS, UserLookups.Found.ABSENT,
                UserLookups.Found.failed(Outcome.retriable("throttled", "429")));
        assertThat(ErasureOutcomes.toWrite(rows, found)).extracting(SubscriberUpdate::key).containsExactly("a", "b");

        DeliveryResult joined = ErasureOutcomes.join(rows, found, DeliveryResult.throttled(2, Outcome.retriable("throttled", "x"), 0, 429));

        assertThat(joined.outcomes()).extracting(Outcome::reason).containsExactly("throttled", "throttled", "not_found", "throttled");
        assertThat(joined.throttled()).isTrue();
        assertThat(joined.status()).isEqualTo(429);
    }

    @Test
    void anEraseRowNeverAsksForAUserToBeCreatedAndAUserGoneSinceItsLookupIsNothingThere() {
        IterableDestination preferring = new IterableDestination("p1", "key-p1", URI.create("http://127.0.0.1:1"),
                IterableDestination.Identifier.USER_ID, true, 5, 2);
        List<SubscriberUpdate> rows = List.of(valuesRow("a"), eraseRow("b"));
        JsonObject body = BulkUpdateWriter.body(preferring, rows).toJsonObject();
        assertThat(body.getJsonArray("users").getJsonObject(0).getBoolean("preferUserId")).isTrue();
        assertThat(body.getJsonArray("users").getJsonObject(1).containsKey("preferUserId")).as("the erase row").isFalse();

        DeliveryResult answer = BulkUpdateReader.read(200, "{\"successCount\":0,\"failCount\":2,\"failedUpdates\":"
                + "{\"forgottenUserIds\":[\"a\"],\"notFoundUserIds\":[\"b\"]}}", null, preferring, rows);
        assertThat(answer.outcomes().get(0).kind()).as("values for a forgotten user: refused, as before").isEqualTo(Outcome.Kind.PERMANENT);
        assertThat(answer.outcomes().get(1).kind()).isEqualTo(Outcome.Kind.SKIPPED);
        assertThat(answer.outcomes().get(1).reason()).isEqualTo("not_found");
    }

    @Test
    void theErasureSettingIsReadFromTheDestinationEntry() {
        var reader = IterableDestinationReader.reader(5, 2);
        String entry = "{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"k\"%s}}";
        assertThat(StaticDestinations.parse(entry.formatted(""), "X", reader).lookup("acme").orElseThrow().destination().erasure())
                .isEqualTo(ErasureMode.CLEAR);
        assertThat(StaticDestinations.parse(entry.formatted(",\"erasure\":\"forget\""), "X", reader).lookup("acme").orElseThrow()
                .destination().erasure()).isEqualTo(ErasureMode.FORGET);
    }
}
