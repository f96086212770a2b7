package com.subsets.sync.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StateRecordCodecTest {

    @Test
    void aStateSurvivesTheRoundTripWithItsClearedFieldsExplicit() {
        StateRecord state = new StateRecord("acme", new Subscriber("u-1", "ada@example.com"), Map.of(
                DestinationField.CHURN_RISK, new FieldFact("0.42", Instant.parse("2026-11-22T10:00:00Z"), 17, "e-9"),
                DestinationField.EXPERIMENT_ID, new FieldFact(null, Instant.parse("2026-11-22T09:00:00Z"), 12, "e-4")));

        byte[] bytes = StateRecordCodec.encode(state);

        assertThat(StateRecordCodec.decode(bytes)).isEqualTo(state);
        assertThat(new String(bytes, UTF_8)).contains("\"subsetsExperimentId\":{\"value\":null");
    }

    @Test
    void aFieldsMemoryTravelsOnlyWhereItSaysMoreThanTheCurrentFact() {
        Instant at = Instant.parse("2026-11-22T10:00:00Z");
        FieldMemory memory = FieldMemory.of("exp-2", at, 17).with("exp-1", at.minusSeconds(60), 9);
        StateRecord state = new StateRecord("acme", new Subscriber("u-1", null), Map.of(
                DestinationField.EXPERIMENT_ID, new FieldFact("exp-2", at, 17, "e-9", memory),
                DestinationField.CHURN_RISK, new FieldFact("0.42", at, 17, "e-9", FieldMemory.of("0.42", at, 17))));

        byte[] bytes = StateRecordCodec.encode(state);
        StateRecord decoded = StateRecordCodec.decode(bytes);

        assertThat(decoded).isEqualTo(state);
        assertThat(decoded.fields().get(DestinationField.EXPERIMENT_ID).history().values()).containsExactly("exp-1", "exp-2");
        assertThat(decoded.fields().get(DestinationField.EXPERIMENT_ID).history().first().value()).isEqualTo("exp-1");
        String json = new String(bytes, UTF_8);
        assertThat(json).contains("\"seen\":[[\"exp-1\",\"2026-11-22T09:59:00Z\",9],[\"exp-2\",\"2026-11-22T10:00:00Z\",17]]")
                .as("the first value is the oldest seen: not written twice").doesNotContain("\"first\"");
        assertThat(json.indexOf("\"seen\"")).as("the churn risk's memory is its current fact: not written")
                .isEqualTo(json.lastIndexOf("\"seen\""));
    }

    @Test
    void aRecordWrittenBeforeTheMemoryExistedRemembersItsCurrentValue() {
        String old = "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{"
                + "\"subsetsExperimentId\":{\"value\":\"exp-1\",\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":3,\"eventId\":\"e\"},"
                + "\"subsetsExperimentName\":{\"value\":null,\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":3,\"eventId\":\"e\"}}}";

        StateRecord state = StateRecordCodec.decode(old.getBytes(UTF_8));

        FieldMemory id = state.fields().get(DestinationField.EXPERIMENT_ID).history();
        assertThat(id.first().value()).isEqualTo("exp-1");
        assertThat(id.values()).containsExactly("exp-1");
        assertThat(state.fields().get(DestinationField.EXPERIMENT_NAME).history()).isEqualTo(FieldMemory.EMPTY);
        assertThat(StateRecordCodec.decodeTree(old.getBytes(UTF_8))).as("both paths").isEqualTo(state);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "{\"subscriber\":{\"userId\":\"u\"},\"fields\":{}}                                  | tenantId",
            "{\"tenantId\":\"Acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{}}             | tenantId",
            "{\"tenantId\":\"acme\",\"subscriber\":{},\"fields\":{}}                               | subscriber",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":1},\"fields\":{}}                   | subscriber.userId",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":[]}               | fields",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{\"colour\":{}}}  | fields.colour",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{\"subsetsSubscriberChurnRisk\":{\"value\":1}}} | fields.subsetsSubscriberChurnRisk",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{\"subsetsSubscriberChurnRisk\":{\"value\":\"1\",\"occurredAt\":\"soon\",\"offset\":1,\"eventId\":\"e\"}}} | occurredAt",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{\"subsetsExperimentId\":{\"value\":\"1\",\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":1,\"eventId\":\"e\",\"seen\":{}}}} | fields.subsetsExperimentId.seen",
            "{\"tenantId\":\"acme\",\"subscriber\":{\"userId\":\"u\"},\"fields\":{\"subsetsExperimentId\":{\"value\":\"1\",\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":1,\"eventId\":\"e\",\"first\":[null,\"2026-11-22T09:59:00Z\",1]}}} | fields.subsetsExperimentId.first",
            "{not json | malformed JSON"})
    void anythingElseIsRefusedNamingWhatIsWrong(String json, String named) {
        assertThatThrownBy(() -> StateRecordCodec.decode(json.trim().getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named.trim());
    }
}
