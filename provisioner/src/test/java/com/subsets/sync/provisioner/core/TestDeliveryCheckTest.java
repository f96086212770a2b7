package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestDeliveryCheckTest {

    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    private static StateRecord state(String name) {
        Map<DestinationField, FieldFact> fields = new EnumMap<>(DestinationField.class);
        fields.put(DestinationField.EXPERIMENT_ID, new FieldFact("exp-1", T, 1, "e-1"));
        fields.put(DestinationField.EXPERIMENT_NAME, new FieldFact(name, T, 1, "e-1"));
        fields.put(DestinationField.EXPERIMENT_ADDED_AT, new FieldFact("2026-11-22T09:00:00Z", T, 1, "e-1"));
        fields.put(DestinationField.EXPERIMENT_ASSIGNMENT, new FieldFact(null, T, 2, "e-2"));
        return new StateRecord("acme", new Subscriber("u-1", null), fields);
    }

    @Test
    void aVendorHoldingWhatWasSentAgreesFieldByField() {
        JsonObject user = new JsonObject().put("dataFields", new JsonObject().put("subsetsExperimentId", "exp-1")
                .put("subsetsExperimentName", "Winback").put("subsetsExperimentAddedAt", "2026-11-22 09:00:00 +00:00"));

        JsonObject verdict = TestDeliveryCheck.compare(TestDeliveryCheck.sent(state("Winback")), TestDeliveryCheck.heldByIterable(user));

        assertThat(verdict.getBoolean("agrees")).isTrue();
        JsonObject fields = verdict.getJsonObject("fields");
        assertThat(fields.getJsonObject("subsetsExperimentAddedAt").getBoolean("agrees")).as("Iterable's date format").isTrue();
        assertThat(fields.getJsonObject("subsetsExperimentAssignment").getBoolean("agrees")).as("a clear agrees with nothing").isTrue();
        assertThat(fields.getJsonObject("subsetsSubscriberChurnRisk").getValue("agrees")).as("never sent: not judged").isNull();
    }

    @Test
    void aDroppedFieldOrAProfileNotFoundDisagrees() {
        JsonObject profile = new JsonObject().put("properties", new JsonArray()
                .add(new JsonObject().put("id", "subsets_experiment_id").put("values", new JsonArray().add("exp-1")))
                .add(new JsonObject().put("id", "subsets_experiment_added_at").put("values", new JsonArray().add("2026-11-22T09:00:00Z"))));

        JsonObject verdict = TestDeliveryCheck.compare(TestDeliveryCheck.sent(state("Winback")), TestDeliveryCheck.heldByBlueConic(profile));
        JsonObject missing = TestDeliveryCheck.compare(TestDeliveryCheck.sent(state("Winback")), TestDeliveryCheck.heldByBlueConic(null));

        assertThat(verdict.getBoolean("agrees")).isFalse();
        assertThat(verdict.getJsonObject("fields").getJsonObject("subsetsExperimentName"))
                .isEqualTo(new JsonObject().put("sent", "Winback").putNull("held").put("agrees", false));
        assertThat(verdict.getJsonObject("fields").getJsonObject("subsetsExperimentId").getBoolean("agrees")).isTrue();
        assertThat(missing.getBoolean("agrees")).isFalse();
    }

    @Test
    void theWriteModesDecideWhatWasSentAndAnArrayAgreesWithItsList() {
        Map<DestinationField, FieldFact> fields = new EnumMap<>(DestinationField.class);
        com.subsets.sync.model.FieldMemory twoExperiments = com.subsets.sync.model.FieldMemory.of("exp-1", T, 1)
                .with("exp-2", T.plusSeconds(1), 2);
        fields.put(DestinationField.EXPERIMENT_ID, new FieldFact(null, T.plusSeconds(2), 3, "e-3", twoExperiments));
        fields.put(DestinationField.EXPERIMENT_NAME, new FieldFact(null, T.plusSeconds(2), 3, "e-3", twoExperiments));
        StateRecord unassigned = new StateRecord("acme", new Subscriber("u-1", null), fields);
        com.subsets.sync.model.FieldModes modes = com.subsets.sync.model.FieldModes.parse(Map.of(
                "subsetsExperimentId", "add", "subsetsExperimentName", "set"));
        JsonObject user = new JsonObject().put("dataFields", new JsonObject()
                .put("subsetsExperimentId", new JsonArray().add("exp-1").add("exp-2")).put("subsetsExperimentName", "exp-2"));

        JsonObject verdict = TestDeliveryCheck.compare(TestDeliveryCheck.sent(unassigned, modes), TestDeliveryCheck.heldByIterable(user));

        assertThat(verdict.getBoolean("agrees")).as(verdict.encode()).isTrue();
        assertThat(verdict.getJsonObject("fields").getJsonObject("subsetsExperimentId").getString("sent")).isEqualTo("exp-1, exp-2");
        assertThat(TestDeliveryCheck.compare(TestDeliveryCheck.sent(unassigned), TestDeliveryCheck.heldByIterable(user))
                .getBoolean("agrees")).as("set_or_clear would have cleared them").isFalse();
    }
}
