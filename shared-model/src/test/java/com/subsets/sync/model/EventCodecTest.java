package com.subsets.sync.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    private static final String ASSIGNED = """
            {"eventId":"evt-1","type":"experiment.assigned","tenantId":"acme",
             "occurredAt":"2026-11-22T10:59:00+01:00","subscriber":{"userId":"u-1","email":"ada@example.com"},
             "experiment":{"id":"exp-42","name":"Winback"},"assignment":"control",
             "addedAt":"2026-11-22T04:59:00-05:00","churnRisk":0.735}""";

    @Test
    void decodesAValidEventAndNormalisesInstantsToUtc() {
        DecodeResult result = codec.decode(ASSIGNED.getBytes(UTF_8));

        assertThat(result.isValid()).isTrue();
        AssignmentEvent event = result.event();
        assertThat(event.type()).isEqualTo(EventType.ASSIGNED);
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-22T09:59:00Z"));
        assertThat(event.addedAt()).isEqualTo(Instant.parse("2026-11-22T09:59:00Z"));
        assertThat(event.subscriber()).isEqualTo(new Subscriber("u-1", "ada@example.com"));
        assertThat(event.experiment()).isEqualTo(new Experiment("exp-42", "Winback"));
        assertThat(event.assignment()).isEqualTo(Assignment.CONTROL);
        assertThat(event.churnRisk()).isEqualByComparingTo(new BigDecimal("0.735"));
    }

    @Test
    void encodesTheCanonicalFormWhichDecodesToTheSameEvent() {
        AssignmentEvent event = codec.decode(ASSIGNED.getBytes(UTF_8)).event();

        String json = new String(codec.encode(event), UTF_8);

        assertThat(json).contains("\"occurredAt\":\"2026-11-22T09:59:00Z\"").doesNotContain("null");
        assertThat(codec.decode(json.getBytes(UTF_8)).event()).isEqualTo(event);
    }

    @Test
    void leavesAbsentFieldsOutInsteadOfWritingNull() {
        String scored = """
                {"eventId":"evt-2","type":"churn_risk.scored","tenantId":"acme","occurredAt":"2026-11-22T09:59:00Z",
                 "subscriber":{"email":"ada@example.com"},"churnRisk":0.2}""";
        String json = new String(codec.encode(codec.decode(scored.getBytes(UTF_8)).event()), UTF_8);
        assertThat(json).isEqualTo("{\"eventId\":\"evt-2\",\"type\":\"churn_risk.scored\",\"tenantId\":\"acme\","
                + "\"occurredAt\":\"2026-11-22T09:59:00Z\",\"subscriber\":{\"email\":\"ada@example.com\"},\"churnRisk\":0.2}");
    }

    @Test
    void anErasedEventRoundTripsCarryingOnlyItsSubscriber() {
        String erased = """
                {"eventId":"erase-1","type":"subscriber.erased","tenantId":"acme","occurredAt":"2026-11-22T10:59:00+01:00",
                 "subscriber":{"userId":"u-1","email":"ada@example.com"}}""";
        AssignmentEvent event = codec.decode(erased.getBytes(UTF_8)).event();

        assertThat(event).isEqualTo(new AssignmentEvent("erase-1", EventType.ERASED, "acme",
                Instant.parse("2026-11-22T09:59:00Z"), new Subscriber("u-1", "ada@example.com"), null, null, null, null));
        String json = new String(codec.encode(event), UTF_8);
        assertThat(json).isEqualTo("{\"eventId\":\"erase-1\",\"type\":\"subscriber.erased\",\"tenantId\":\"acme\","
                + "\"occurredAt\":\"2026-11-22T09:59:00Z\",\"subscriber\":{\"userId\":\"u-1\",\"email\":\"ada@example.com\"}}");
        assertThat(codec.decode(json.getBytes(UTF_8)).event()).isEqualTo(event);
    }

    @Test
    void malformedJsonNamesThePosition() {
        assertThatThrownBy(() -> codec.readTree("{\"eventId\":\n  \"e1\" \"type\"}".getBytes(UTF_8)))
                .isInstanceOf(MalformedJsonException.class)
                .hasMessageStartingWith("malformed JSON at line 2, column 8:");
    }

    /** A valid event whose experiment name holds an overlong '/' (C0 AF): the fast path must not take it either. */
    @Test
    void bytesThatAreNotUtf8AreMalformedAtTheirByteOffset() {
        String text = new String(codec.encode(codec.decode(ASSIGNED.getBytes(UTF_8)).event()), UTF_8);
        int at = text.indexOf("Winback");
        byte[] bytes = text.getBytes(UTF_8);
        bytes[at] = (byte) 0xC0;
        bytes[at + 1] = (byte) 0xAF;

        DecodeResult result = codec.decode(bytes);

        assertThat(result.failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
        assertThat(result.describe()).contains("byte offset " + at).contains("overlong");
        assertThat(codec.decodeAllIfValid(bytes, 10)).isEmpty();
    }

    @Test
    void duplicateKeysAreMalformedRatherThanSilentlyOverwritten() {
        DecodeResult result = codec.decode("{\"eventId\":\"a\",\"eventId\":\"b\"}".getBytes(UTF_8));
        assertThat(result.failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
        assertThat(result.describe()).contains("Duplicate field 'eventId'");
    }

    @Test
    void trailingContentAndEmptyInputAreMalformed() {
        assertThat(codec.decode("{} {}".getBytes(UTF_8)).failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
        assertThat(codec.decode(new byte[0]).failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
        assertThat(codec.decode("NaN".getBytes(UTF_8)).failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
    }

    @Test
    void contractViolationsAreListedTogether() {
        DecodeResult result = codec.decode("{\"type\":\"experiment.assigned\"}".getBytes(UTF_8));
        assertThat(result.isValid()).isFalse();
        assertThat(result.failure()).isEqualTo(DecodeResult.Failure.CONTRACT_VIOLATION);
        assertThat(result.violations()).extracting(Violation::path)
                .contains("eventId", "tenantId", "occurredAt", "subscriber", "experiment", "assignment", "addedAt");
    }
}
