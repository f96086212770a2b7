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
            "{not json | malformed JSON"})
    void anythingElseIsRefusedNamingWhatIsWrong(String json, String named) {
        assertThatThrownBy(() -> StateRecordCodec.decode(json.trim().getBytes(UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(named.trim());
    }
}
