package com.subsets.sync.blueconic;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BlueConicPartsTest {

    private static final BlueConicDestination BY_EMAIL = new BlueConicDestination(URI.create("https://acme.blueconic.net"),
            "client", "very-secret", "email", "UPDATE", List.of("marketing"));

    private static SubscriberUpdate row(String key, EventType type) {
        AssignmentEvent event = type == EventType.ASSIGNED
                ? new AssignmentEvent("e1", type, "acme", Instant.parse("2026-11-22T09:59:00Z"), new Subscriber(null, key),
                        new Experiment("exp-1", "Winback"), Assignment.CONTROL, Instant.parse("2026-11-22T09:00:00Z"), null)
                : new AssignmentEvent("e2", type, "acme", Instant.parse("2026-11-22T09:59:00Z"), new Subscriber(null, key),
                        new Experiment("exp-1", null), null, null, null);
        SubscriberUpdate row = new SubscriberUpdate(key);
        row.merge(event, new SourceRecord("t", 0, 0, null, new byte[0], Map.of()));
        return row;
    }

    @Test
    void eachFieldIsSetAsItsModeHasItAndAnAddFieldToItsWholeList() {
        Instant t0 = Instant.parse("2026-11-22T09:00:00Z");
        com.subsets.sync.model.FieldMemory memory = com.subsets.sync.model.FieldMemory.of("exp-1", t0, 1)
                .with("exp-2", t0.plusSeconds(10), 2);
        com.subsets.sync.model.StateRecord state = new com.subsets.sync.model.StateRecord("acme", new Subscriber(null, "ada@example.com"),
                Map.of(com.subsets.sync.model.DestinationField.EXPERIMENT_ID,
                        new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                        com.subsets.sync.model.DestinationField.EXPERIMENT_NAME,
                        new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                        com.subsets.sync.model.DestinationField.EXPERIMENT_ASSIGNMENT,
                        new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory),
                        com.subsets.sync.model.DestinationField.EXPERIMENT_ADDED_AT,
                        new com.subsets.sync.model.FieldFact(null, t0.plusSeconds(20), 3, "u", memory)));
        SubscriberUpdate row = new SubscriberUpdate("ada@example.com");
        row.merge(state, new SourceRecord("t", 0, 7, null, new byte[0], Map.of()));
        BlueConicDestination withModes = new BlueConicDestination(URI.create("https://acme.blueconic.net"), "client", "s",
                "email", "UPDATE", List.of(), com.subsets.sync.model.FieldModes.parse(Map.of("subsetsExperimentId", "add",
                "subsetsExperimentName", "set", "subsetsExperimentAssignment", "set_if_empty")));

        JsonArray properties = ProfilesWriter.body(withModes, List.of(row)).toJsonArray().getJsonObject(0).getJsonArray("properties");

        assertThat(properties.stream().map(p -> ((JsonObject) p).getString("id") + "=" + ((JsonObject) p).getJsonArray("values")))
                .containsExactlyInAnyOrder("email=[\"ada@example.com\"]", "subsets_experiment_id=[\"exp-1\",\"exp-2\"]",
                        "subsets_experiment_name=[\"exp-2\"]", "subsets_experiment_assignment=[\"exp-1\"]",
                        "subsets_experiment_added_at=[]");
        assertThat(properties).allMatch(p -> "SET".equals(((JsonObject) p).getString("strategy")));
    }

    @Test
    void onlyHttpsOnAllowedHostsUnlessAHostIsDeclaredInsecure() {
        InstanceUrlPolicy policy = new InstanceUrlPolicy(List.of("*.blueconic.net"), List.of("127.0.0.1"));
        assertThat(policy.check("https://acme.blueconic.net")).hasHost("acme.blueconic.net");
        assertThat(policy.check("http://127.0.0.1:8099")).hasPort(8099);
        assertThatThrownBy(() -> policy.check("http://acme.blueconic.net")).hasMessage("instanceUrl must be https");
        assertThatThrownBy(() -> policy.check("https://evil.example.com")).hasMessageContaining("not an allowed BlueConic host");
        assertThatThrownBy(() -> policy.check("https://blueconic.net.evil.com")).hasMessageContaining("not an allowed");
        assertThatThrownBy(() -> policy.check("https://user:pw@acme.blueconic.net")).hasMessageContaining("credentials");
    }

    @Test
    void entriesMatchOnTheIdentifierSetItAndSetTheFieldsAsStringLists() {
        JsonArray entries = ProfilesWriter.body(BY_EMAIL, List.of(row("ada@example.com", EventType.ASSIGNED),
                row("bob@example.com", EventType.UNASSIGNED))).toJsonArray();

        JsonObject ada = entries.getJsonObject(0);
        assertThat(ada.getString("identifier")).isEqualTo("ada@example.com");
        assertThat(ada.getString("strategy")).isEqualTo("UPDATE");
        assertThat(ada.getJsonArray("matching").getJsonArray(0).getJsonObject(0))
                .isEqualTo(new JsonObject().put("id", "email").put("value", "ada@example.com"));
        assertThat(ada.getJsonArray("properties").stream().map(p -> ((JsonObject) p).getString("id") + "=" + ((JsonObject) p).getJsonArray("values")))
                .contains("email=[\"ada@example.com\"]", "subsets_experiment_id=[\"exp-1\"]",
                        "subsets_experiment_assignment=[\"control\"]", "subsets_experiment_added_at=[\"2026-11-22T09:00:00Z\"]");
        assertThat(ada.getJsonArray("properties")).allMatch(p -> "SET".equals(((JsonObject) p).getString("strategy")));
        assertThat(entries.getJsonObject(1).getJsonArray("properties").stream()
                .filter(p -> ((JsonObject) p).getString("id").equals("subsets_experiment_id")).findFirst().orElseThrow())
                .as("a cleared field is SET to no values").isEqualTo(new JsonObject().put("id", "subsets_experiment_id")
                        .put("values", new JsonArray()).put("strategy", "SET"));
    }

    @Test
    void resultsAreCorrelatedOnIdentifierAndClassified() {
        String body = new JsonArray()
                .add(new JsonObject().put("identifier", "d").put("state", "NOTFOUND"))
                .add(new JsonObject().put("identifier", "a").put("state", "MODIFIED"))
                .add(new JsonObject().put("identifier", "c").put("state", "CONSENT_MISMATCH"))
                .add(new JsonObject().put("identifier", "b").put("state", "UNCHANGED"))
                .add(new JsonObject().put("identifier", "e").put("state", "SKIPPED")
                        .put("validationErrors", new JsonObject().put("subsets_experiment_name", new JsonArray()
                                .add("property does not exist").add("value too long")).put("email", new JsonArray().add("not unique"))))
                .add(new JsonObject().put("identifier", "g").put("state", "RESTRICTION_MISMATCH"))
                .add(new JsonObject().put("identifier", "h").put("state", "UNAUTHORIZED").put("profileId", "p-1"))
                .add(new JsonObject().put("identifier", "i").put("state", "DELETED").put("timeline", new JsonArray()))
                .add(new JsonObject().put("identifier", "j").put("state", "CREATED").put("profileId", "p-2"))
                .add(new JsonObject().put("identifier", "k").put("state", "SKIPPED")).encode();
        List<SubscriberUpdate> rows = List.of(row("a", EventType.ASSIGNED), row("b", EventType.ASSIGNED), row("c", EventType.ASSIGNED),
                row("d", EventType.ASSIGNED), row("e", EventType.ASSIGNED), row("f", EventType.ASSIGNED), row("g", EventType.ASSIGNED),
                row("h", EventType.ASSIGNED), row("i", EventType.ASSIGNED), row("j", EventType.ASSIGNED), row("k", EventType.ASSIGNED));

        DeliveryResult result = ProfilesReader.read(413, body, rows);

        assertThat(result.outcomes()).extracting(Outcome::kind).containsExactly(Outcome.Kind.DELIVERED, Outcome.Kind.DELIVERED,
                Outcome.Kind.SKIPPED, Outcome.Kind.PERMANENT, Outcome.Kind.PERMANENT, Outcome.Kind.RETRIABLE,
                Outcome.Kind.PERMANENT, Outcome.Kind.PERMANENT, Outcome.Kind.DELIVERED, Outcome.Kind.DELIVERED, Outcome.Kind.PERMANENT);
        assertThat(result.outcomes().get(4).reason()).isEqualTo("validation_error");
        assertThat(result.outcomes().get(4).detail()).as("the vendor's messages, property by property")
                .isEqualTo("BlueConic SKIPPED: subsets_experiment_name: property does not exist, value too long; email: not unique");
        assertThat(result.outcomes().get(5).reason()).as("413: an entry without a result is retried alone").isEqualTo("not_processed");
        assertThat(result.outcomes()).extracting(Outcome::reason).element(6).isEqualTo("restriction_mismatch");
        assertThat(result.outcomes()).extracting(Outcome::reason).element(7).isEqualTo("unauthorized");
        assertThat(result.outcomes()).extracting(Outcome::reason).element(10).isEqualTo("skipped");
        assertThat(ProfilesReader.read(429, "", rows).throttled()).isTrue();
        assertThat(ProfilesReader.read(503, "", rows).outcomes()).allMatch(o -> o.kind() == Outcome.Kind.RETRIABLE);
        assertThat(ProfilesReader.read(403, "", rows).outcomes()).allMatch(o -> o.kind() == Outcome.Kind.PERMANENT);
        assertThat(ProfilesReader.read(400, "{\"code\":400,\"message\":\"bad\",\"errors\":[]}", rows).splittable())
                .as("a 400 is split in halves to isolate the entries that carry it").isTrue();
        assertThat(ProfilesReader.read(401, "", rows).outcomes()).as("a renewed token refused: the vendor's, retried")
                .allMatch(o -> o.kind() == Outcome.Kind.RETRIABLE && o.reason().equals("token_refused"));
    }

    /** Each answer breaks the document's BulkResultBean in one way; none may read as unreachable or delivered. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "[{\"identifier\":\"a\",\"state\":\"SKIPPED\",\"validationErrors\":[\"#/properties/x: no\"]}]",
            "[{\"identifier\":\"a\",\"state\":\"SKIPPED\",\"validationErrors\":{\"x\":\"no\"}}]",
            "[{\"identifier\":\"a\",\"state\":\"SKIPPED\",\"validationErrors\":{\"x\":[1]}}]",
            "[{\"identifier\":\"a\",\"state\":\"FINE\"}]",
            "[{\"identifier\":\"a\"}]",
            "[{\"identifier\":7,\"state\":\"MODIFIED\"}]",
            "[{\"identifier\":\"a\",\"state\":\"MODIFIED\",\"profileId\":{}}]",
            "[{\"identifier\":\"a\",\"state\":\"MODIFIED\",\"timeline\":{}}]",
            "[\"MODIFIED\"]",
            "{\"results\":[]}",
            "<html>busy</html>",
            ""})
    void anAnswerOfAnotherShapeIsAnUnexpectedResponseNamingStatusAndBody(String body) {
        List<SubscriberUpdate> rows = List.of(row("a", EventType.ASSIGNED));

        assertThatThrownBy(() -> ProfilesReader.read(200, body, rows))
                .isInstanceOf(com.subsets.sync.dispatch.core.UnexpectedResponse.class)
                .hasMessageStartingWith("HTTP 200, ")
                .hasMessageContaining(body.isEmpty() ? "(no body)" : body);
        Outcome outcome = com.subsets.sync.dispatch.core.FailureClassifier.ofException(
                com.subsets.sync.dispatch.core.UnexpectedResponse.class.cast(catchThrowable(() -> ProfilesReader.read(200, body, rows))));
        assertThat(outcome.kind()).isEqualTo(Outcome.Kind.RETRIABLE);
        assertThat(outcome.reason()).isEqualTo("unexpected_response");
    }

    @Test
    void aRedirectIsAnUnexpectedResponse() {
        assertThatThrownBy(() -> ProfilesReader.read(302, "", List.of(row("a", EventType.ASSIGNED))))
                .isInstanceOf(com.subsets.sync.dispatch.core.UnexpectedResponse.class).hasMessageStartingWith("HTTP 302");
    }

    @Test
    void theDirectoryRefusesHostsOutsideThePolicyAndHidesTheSecret() {
        InstanceUrlPolicy policy = new InstanceUrlPolicy(List.of("*.blueconic.net"), List.of());
        var lane = StaticDestinations.parse("{\"acme\":{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientId\":\"c\","
                + "\"clientSecret\":\"very-secret\",\"objectiveIds\":[\"marketing\"]}}", "X",
                BlueConicDestinationReader.reader(policy, 20, 2, 4)).lookup("acme").orElseThrow();
        assertThat(lane.destination().matchingProperty()).isEqualTo("email");
        assertThat(lane.destination().strategy()).isEqualTo("UPDATE");
        assertThat(lane.destination().toString()).doesNotContain("very-secret");
        assertThat(lane.adaptiveConcurrency()).isTrue();
        assertThat(lane.initialInFlight()).isEqualTo(2);
        assertThat(lane.maxInFlight()).isEqualTo(4);
        assertThatThrownBy(() -> StaticDestinations.parse("{\"acme\":{\"instanceUrl\":\"https://evil.com\",\"clientId\":\"c\","
                + "\"clientSecret\":\"s\"}}", "X", BlueConicDestinationReader.reader(policy, 20, 1, 4)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("X: tenant acme: instanceUrl host evil.com");
    }

    @Test
    void concurrencyStartsWhereConfiguredButNeverAboveTheMaximum() {
        Map<String, String> env = Map.of("BLUECONIC_INITIAL_IN_FLIGHT", "3", "BLUECONIC_MAX_IN_FLIGHT", "6");
        assertThat(BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet())).isNotNull();
        Map<String, String> above = Map.of("BLUECONIC_INITIAL_IN_FLIGHT", "5", "BLUECONIC_MAX_IN_FLIGHT", "4");
        assertThatThrownBy(() -> BlueConicDispatcherConfig.fromEnv(new EnvReader(above::get), above.keySet()))
                .isInstanceOf(ConfigException.class).hasMessage("BLUECONIC_INITIAL_IN_FLIGHT must be from 1 to 4, was 5");
    }
}
