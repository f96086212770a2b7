package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an erase row asks of BlueConic, and how its answer reads. */
class BlueConicErasureTest {

    private static final URI INSTANCE = URI.create("https://acme.blueconic.net");

    private static BlueConicDestination destination(String strategy, ErasureMode erasure) {
        return new BlueConicDestination(INSTANCE, "client", "s", "email", strategy, List.of(), FieldModes.DEFAULT, erasure);
    }

    private static SubscriberUpdate eraseRow(String email) {
        SubscriberUpdate row = new SubscriberUpdate(email);
        row.merge(new Erasure("er-1", "acme", Instant.parse("2026-12-01T10:00:00Z"), new Subscriber("u-1", email)),
                new SourceRecord("t", 0, 9, null, new byte[0], Map.of()));
        return row;
    }

    @Test
    void clearingOnAnUpsertDestinationUpdatesOnlyAndClearsTheFiveProperties() {
        JsonObject entry = ProfilesWriter.body(destination("UPSERT", ErasureMode.CLEAR), List.of(eraseRow("ada@example.com")))
                .toJsonArray().getJsonObject(0);

        assertThat(entry.getString("strategy")).as("never creates a profile to clear it").isEqualTo("UPDATE");
        assertThat(entry.getString("identifier")).isEqualTo("ada@example.com");
        assertThat(entry.getJsonArray("matching")).isEqualTo(new JsonArray(
                "[[{\"id\":\"email\",\"value\":\"ada@example.com\"}]]"));
        JsonArray properties = entry.getJsonArray("properties");
        assertThat(properties.stream().map(p -> ((JsonObject) p).getString("id")))
                .containsExactlyInAnyOrder("subsets_experiment_id", "subsets_experiment_added_at", "subsets_experiment_name",
                        "subsets_subscriber_churn_risk", "subsets_experiment_assignment");
        assertThat(properties).allSatisfy(p -> {
            assertThat(((JsonObject) p).getJsonArray("values")).isEmpty();
            assertThat(((JsonObject) p).getString("strategy")).isEqualTo("SET");
        });
    }

    @Test
    void forgettingDeletesTheMatchedProfileWithoutProperties() {
        JsonObject entry = ProfilesWriter.body(destination("UPSERT", ErasureMode.FORGET), List.of(eraseRow("ada@example.com")))
                .toJsonArray().getJsonObject(0);

        assertThat(entry.fieldNames()).containsExactlyInAnyOrder("identifier", "strategy", "matching");
        assertThat(entry.getString("strategy")).isEqualTo("DELETE");
        assertThat(entry.getJsonArray("matching")).isEqualTo(new JsonArray(
                "[[{\"id\":\"email\",\"value\":\"ada@example.com\"}]]"));
    }

    @Test
    void anErasureIsDoneWhenClearedOrDeletedAndSkippedWhenBlueConicHasNoSuchProfile() {
        List<SubscriberUpdate> rows = List.of(eraseRow("a@x.io"), eraseRow("b@x.io"), eraseRow("c@x.io"), eraseRow("d@x.io"));
        String body = "[{\"identifier\":\"a@x.io\",\"state\":\"MODIFIED\"},{\"identifier\":\"b@x.io\",\"state\":\"UNCHANGED\"},"
                + "{\"identifier\":\"c@x.io\",\"state\":\"DELETED\"},{\"identifier\":\"d@x.io\",\"state\":\"NOTFOUND\"}]";

        DeliveryResult result = ProfilesReader.read(200, body, rows);

        assertThat(result.outcomes()).containsExactly(Outcome.CLEARED, Outcome.CLEARED, Outcome.DELETED, Outcome.NOT_FOUND);
        assertThat(Outcome.NOT_FOUND.kind()).as("nothing there is not a failure of an erasure").isEqualTo(Outcome.Kind.SKIPPED);
        assertThat(ProfilesReader.read(200, "[{\"identifier\":\"a@x.io\",\"state\":\"UNAUTHORIZED\"}]", rows.subList(0, 1))
                .outcomes().get(0).kind()).as("anything else as for any row").isEqualTo(Outcome.Kind.PERMANENT);
    }

    @Test
    void theErasureSettingIsReadFromTheDestinationEntry() {
        var reader = BlueConicDestinationReader.reader(new InstanceUrlPolicy(List.of("*.blueconic.net"), List.of()), 10, 1, 4);
        String entry = "{\"acme\":{\"instanceUrl\":\"https://acme.blueconic.net\",\"clientId\":\"c\",\"clientSecret\":\"s\"%s}}";
        assertThat(StaticDestinations.parse(entry.formatted(""), "X", reader).lookup("acme").orElseThrow().destination().erasure())
                .isEqualTo(ErasureMode.CLEAR);
        assertThat(StaticDestinations.parse(entry.formatted(",\"erasure\":\"forget\""), "X", reader).lookup("acme").orElseThrow()
                .destination().erasure()).isEqualTo(ErasureMode.FORGET);
    }
}
