package com.subsets.sync.iterable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.runtime.ConfigException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkUpdateTest {

    private static final IterableDestination BY_USER_ID = new IterableDestination("p1", "secret-key",
            URI.create("https://api.iterable.com"), IterableDestination.Identifier.USER_ID, true, 5, 2);

    private static SubscriberUpdate row(String key, AssignmentEvent... events) {
        SubscriberUpdate row = new SubscriberUpdate(key);
        long offset = 0;
        for (AssignmentEvent e : events) {
            row.merge(e, new SourceRecord("t", 0, offset++, null, new byte[0], Map.of()));
        }
        return row;
    }

    @Test
    void writesOneUserPerRowWithOneIdentifierAndClearedFieldsAsNull() {
        JsonObject body = BulkUpdateWriter.body(BY_USER_ID, List.of(
                row("u-1", Events.assigned("acme", "u-1", "exp-1", "Winback", 2)),
                row("u-2", Events.unassigned("acme", "u-2", 1)))).toJsonObject();

        JsonObject first = body.getJsonArray("users").getJsonObject(0);
        assertThat(first.getString("userId")).isEqualTo("u-1");
        assertThat(first.containsKey("email")).as("never both identifiers").isFalse();
        assertThat(first.getBoolean("mergeNestedObjects")).isTrue();
        assertThat(first.getBoolean("preferUserId")).isTrue();
        assertThat(first.getJsonObject("dataFields").getMap()).containsEntry("subsetsExperimentId", "exp-1")
                .containsEntry("subsetsExperimentAssignment", "treatment").containsEntry("subsetsExperimentAddedAt", "2026-11-22T09:00:00Z");
        JsonObject cleared = body.getJsonArray("users").getJsonObject(1).getJsonObject("dataFields");
        assertThat(cleared.fieldNames()).hasSize(4);
        assertThat(cleared.getValue("subsetsExperimentId")).isNull();
    }

    /** A state row: exp-1, then exp-2, then unassigned (the memory remembers both). */
    private static SubscriberUpdate unassignedAfterTwoExperiments(String key) {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-22T09:00:00Z");
        com.subsets.sync.model.FieldMemory memory = com.subsets.sync.model.FieldMemory.of("exp-1", t0, 1)
                .with("exp-2", t0.plusSeconds(10), 2);
        com.subsets.sync.model.StateRecord state = new com.subsets.sync.model.StateRecord("acme",
                new com.subsets.sync.model.Subscriber(key, null), Map.of(
                com.subsets.sync.model.DestinationField.EXPERIMENT_ID,
                new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                com.subsets.sync.model.DestinationField.EXPERIMENT_NAME,
                new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                com.subsets.sync.model.DestinationField.EXPERIMENT_ASSIGNMENT,
                new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                com.subsets.sync.model.DestinationField.EXPERIMENT_ADDED_AT,
                new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory)));
        SubscriberUpdate row = new SubscriberUpdate(key);
        row.merge(state, new SourceRecord("t", 0, 7, null, new byte[0], Map.of()));
        return row;
    }

    @Test
    void eachFieldIsWrittenAsItsModeHasItAndAnAddFieldAsAnArray() {
        IterableDestination withModes = new IterableDestination("p1", "k", URI.create("https://api.iterable.com"),
                IterableDestination.Identifier.USER_ID, false, 5, 2, com.subsets.sync.model.FieldModes.parse(Map.of(
                "subsetsExperimentId", "add", "subsetsExperimentName", "set", "subsetsExperimentAssignment", "set_if_empty")));

        JsonObject data = BulkUpdateWriter.body(withModes, List.of(unassignedAfterTwoExperiments("u-1"))).toJsonObject()
                .getJsonArray("users").getJsonObject(0).getJsonObject("dataFields");

        assertThat(data.getJsonArray("subsetsExperimentId")).containsExactly("exp-1", "exp-2");
        assertThat(data.getString("subsetsExperimentName")).as("set: never cleared").isEqualTo("exp-2");
        assertThat(data.getString("subsetsExperimentAssignment")).as("set_if_empty: the first").isEqualTo("exp-1");
        assertThat(data.containsKey("subsetsExperimentAddedAt")).isTrue();
        assertThat(data.getValue("subsetsExperimentAddedAt")).as("set_or_clear clears").isNull();
    }

    @Test
    void aDestinationsFieldModesAreReadAndABadOneNamed() {
        IterableDestination read = IterableDestinationReader.reader(5, 2).apply(new JsonObject().put("projectId", "p1")
                .put("apiKey", "k").put("fields", new JsonObject().put("subsetsExperimentId", new JsonObject().put("mode", "add"))),
                "t: ").destination();
        assertThat(read.modes().of(com.subsets.sync.model.DestinationField.EXPERIMENT_ID))
                .isEqualTo(com.subsets.sync.model.WriteMode.ADD);
        assertThatThrownBy(() -> IterableDestinationReader.reader(5, 2).apply(new JsonObject().put("projectId", "p1")
                .put("apiKey", "k").put("fields", new JsonObject().put("subsetsExperimentId", new JsonObject().put("mode", "sum"))),
                "t: ")).isInstanceOf(ConfigException.class).hasMessageContaining("subsetsExperimentId").hasMessageContaining("sum");
    }

    @Test
    void aTwoHundredIsReadUserByUser() {
        String answer = """
                {"successCount":1,"failCount":3,"createdFields":[],"filteredOutFields":[],"invalidEmails":[],"invalidUserIds":["bad"],
                 "failedUpdates":{"forgottenUserIds":["gone"],"invalidDataUserIds":["typed"],"invalidUserIds":["bad"],
                 "conflictUserIds":[],"notFoundUserIds":[],"forgottenEmails":[],"invalidDataEmails":[],"invalidEmails":[],
                 "conflictEmails":[],"notFoundEmails":[]}}""";
        List<SubscriberUpdate> rows = List.of(row("ok"), row("gone"), row("typed"), row("bad"));

        DeliveryResult result = BulkUpdateReader.read(200, answer, null, BY_USER_ID, rows);

        assertThat(result.outcomes()).extracting(Outcome::reason)
                .containsExactly("delivered", "forgotten", "invalid_data", "invalid_identifier");
        assertThat(result.outcomes().get(1).kind()).isEqualTo(Outcome.Kind.PERMANENT);
        assertThat(result.outcomes().get(1).detail()).contains("failedUpdates.forgottenUserIds");
    }

    @Test
    void statusesAreClassified() {
        List<SubscriberUpdate> rows = List.of(row("a"), row("b"));
        assertThat(BulkUpdateReader.read(429, "{\"code\":\"RateLimitExceeded\"}", "3", BY_USER_ID, rows))
                .satisfies(r -> {
                    assertThat(r.throttled()).isTrue();
                    assertThat(r.retryAfterMillis()).isEqualTo(3000);
                    assertThat(r.outcomes()).allMatch(o -> o.kind() == Outcome.Kind.RETRIABLE);
                });
        assertThat(BulkUpdateReader.read(400, "{\"code\":\"RequestFieldsTypesMismatched\",\"msg\":\"x\"}", null, BY_USER_ID, rows)
                .splittable()).isTrue();
        assertThat(BulkUpdateReader.read(400, "{\"code\":\"BadParams\"}", null, BY_USER_ID, rows).outcomes())
                .allMatch(o -> o.kind() == Outcome.Kind.PERMANENT);
        assertThat(BulkUpdateReader.read(401, "{\"code\":\"BadApiKey\"}", null, BY_USER_ID, rows).outcomes().get(0).reason())
                .isEqualTo("unauthorized");
        assertThat(BulkUpdateReader.read(502, "", null, BY_USER_ID, rows).outcomes()).allMatch(o -> o.kind() == Outcome.Kind.RETRIABLE);
    }

    @Test
    void droppedFieldsAreNotDelivered() {
        String answer = "{\"successCount\":1,\"failCount\":0,\"filteredOutFields\":[\"subsetsExperimentId\"],\"failedUpdates\":{}}";
        assertThat(BulkUpdateReader.read(200, answer, null, BY_USER_ID, List.of(row("a"))).outcomes().get(0).reason())
                .isEqualTo("fields_filtered_out");
    }

    /** Each 200 breaks UserBulkUpdateListResponse in one way: it is an unexpected response, never delivered or unreachable. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "{\"successCount\":1,\"failedUpdates\":[]}",
            "{\"successCount\":1,\"failedUpdates\":{\"notFoundUserIds\":\"a\"}}",
            "{\"successCount\":1,\"failedUpdates\":{\"invalidUserIds\":[1]}}",
            "{\"successCount\":\"1\"}",
            "{\"filteredOutFields\":\"subsetsExperimentId\"}",
            "[]",
            "<html>ok</html>",
            ""})
    void aSuccessOfAnotherShapeIsAnUnexpectedResponse(String answer) {
        assertThatThrownBy(() -> BulkUpdateReader.read(200, answer, null, BY_USER_ID, List.of(row("a"))))
                .isInstanceOf(com.subsets.sync.dispatch.core.UnexpectedResponse.class)
                .hasMessageStartingWith("HTTP 200, ");
        DeliveryResult failed = DeliveryResult.failed(1, org.assertj.core.api.Assertions.catchThrowable(
                () -> BulkUpdateReader.read(200, answer, null, BY_USER_ID, List.of(row("a")))));
        assertThat(failed.outcomes().get(0).reason()).isEqualTo("unexpected_response");
        assertThat(failed.status()).isEqualTo(200);
    }

    @Test
    void failedEmailsAreMatchedWithoutRegardToCase() {
        IterableDestination byEmail = new IterableDestination("p1", "k", java.net.URI.create("https://api.iterable.com"),
                IterableDestination.Identifier.EMAIL, false, 5, 2);
        String answer = "{\"successCount\":0,\"failCount\":1,\"failedUpdates\":{\"forgottenEmails\":[\"ada@example.com\"]}}";
        assertThat(BulkUpdateReader.read(200, answer, null, byEmail, List.of(row("Ada@Example.com"))).outcomes().get(0).reason())
                .isEqualTo("forgotten");
    }

    @Test
    void aRedirectIsAnUnexpectedResponse() {
        assertThatThrownBy(() -> BulkUpdateReader.read(301, "", null, BY_USER_ID, List.of(row("a"))))
                .isInstanceOf(com.subsets.sync.dispatch.core.UnexpectedResponse.class).hasMessageStartingWith("HTTP 301");
    }

    @Test
    void theDirectoryIsValidatedAndNeverShowsTheKey() {
        var directory = StaticDestinations.parse(
                "{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"secret-key\",\"region\":\"eu\",\"identifier\":\"email\"}}", "X",
                IterableDestinationReader.reader(5, 2));
        var lane = directory.lookup("acme").orElseThrow();
        assertThat(lane.destination().baseUrl()).isEqualTo(URI.create("https://api.eu.iterable.com"));
        assertThat(lane.destination().identifier()).isEqualTo(IterableDestination.Identifier.EMAIL);
        assertThat(lane.destination().toString()).doesNotContain("secret-key");
        assertThat(directory.lookup("other")).isEmpty();
        assertThatThrownBy(() -> StaticDestinations.parse("{\"acme\":{\"projectId\":\"p1\"}}", "X", IterableDestinationReader.reader(5, 2)))
                .isInstanceOf(ConfigException.class).hasMessage("X: tenant acme: apiKey is required");
        assertThatThrownBy(() -> StaticDestinations.parse("{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"k\",\"region\":\"asia\"}}", "X",
                IterableDestinationReader.reader(5, 2)))
                .hasMessageContaining("region must be us or eu");
    }
}
