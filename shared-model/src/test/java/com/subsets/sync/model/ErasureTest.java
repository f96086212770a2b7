package com.subsets.sync.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The erasure record the erasures topic and the state topic's erasure tombstones carry. */
class ErasureTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00.123456789Z");

    @Test
    void roundTripsWithEveryIdentifier() {
        Erasure erasure = new Erasure("erase-1", "acme", AT, new Subscriber("u-1", "ada@example.com"));

        assertThat(Erasure.decode(erasure.encode())).isEqualTo(erasure);
    }

    @Test
    void roundTripsWithOneIdentifierAndLeavesTheOtherOut() {
        Erasure byUserId = new Erasure("erase-1", "acme", AT, new Subscriber("u-1", null));
        Erasure byEmail = new Erasure("erase-2", "acme", AT, new Subscriber(null, "ada@example.com"));

        assertThat(Erasure.decode(byUserId.encode())).isEqualTo(byUserId);
        assertThat(Erasure.decode(byEmail.encode())).isEqualTo(byEmail);
        assertThat(new String(byUserId.encode(), UTF_8)).doesNotContain("email").doesNotContain("null");
        assertThat(new String(byEmail.encode(), UTF_8)).doesNotContain("userId").doesNotContain("null");
    }

    @Test
    void encodesTheDocumentedJson() {
        Erasure erasure = new Erasure("erase-1", "acme", AT, new Subscriber("u-1", "ada@example.com"));

        assertThat(new String(erasure.encode(), UTF_8)).isEqualTo("{\"erasureId\":\"erase-1\",\"tenantId\":\"acme\","
                + "\"erasedAt\":\"2026-11-22T10:00:00.123456789Z\",\"subscriber\":{\"userId\":\"u-1\",\"email\":\"ada@example.com\"}}");
        assertThat(Erasure.HEADER).isEqualTo("subsets-erasure");
    }

    @Test
    void ofAnErasedEventTakesItsIdTimeAndSubscriber() {
        AssignmentEvent event = new AssignmentEvent("erase-7", EventType.ERASED, "acme", AT,
                new Subscriber(null, "ada@example.com"), null, null, null, null);

        assertThat(Erasure.of(event)).isEqualTo(new Erasure("erase-7", "acme", AT, new Subscriber(null, "ada@example.com")));
    }

    @Test
    void ofAnotherKindOfEventIsRefusedNamingIt() {
        AssignmentEvent scored = new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", AT,
                new Subscriber("u-1", null), null, null, null, BigDecimal.ONE);

        assertThatThrownBy(() -> Erasure.of(scored)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("not a subscriber.erased event: churn_risk.scored");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not JSON                 | {"erasureId":                                                                    | not an erasure record:
            not an object            | ["erase-1"]                                                                      | not a JSON object
            erasureId missing        | {"tenantId":"acme","erasedAt":"2026-11-22T10:00:00Z","subscriber":{"userId":"u"}} | erasureId missing
            tenantId a number        | {"erasureId":"e","tenantId":7,"erasedAt":"2026-11-22T10:00:00Z","subscriber":{"userId":"u"}} | tenantId missing
            erasedAt missing         | {"erasureId":"e","tenantId":"acme","subscriber":{"userId":"u"}}                   | erasedAt missing
            erasedAt not an instant  | {"erasureId":"e","tenantId":"acme","erasedAt":"yesterday","subscriber":{"userId":"u"}} | yesterday
            subscriber missing       | {"erasureId":"e","tenantId":"acme","erasedAt":"2026-11-22T10:00:00Z"}             | a subscriber needs a userId or an email
            subscriber empty         | {"erasureId":"e","tenantId":"acme","erasedAt":"2026-11-22T10:00:00Z","subscriber":{}} | a subscriber needs a userId or an email
            """)
    void aMalformedRecordIsRefusedSayingWhatIsWrong(String name, String json, String says) {
        assertThatThrownBy(() -> Erasure.decode(json.getBytes(UTF_8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an erasure record: ").hasMessageContaining(says);
    }
}
