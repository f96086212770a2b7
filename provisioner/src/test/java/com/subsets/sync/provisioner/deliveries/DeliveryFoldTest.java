package com.subsets.sync.provisioner.deliveries;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.model.SubscriberDeliveries.Outcome;
import com.subsets.sync.model.SubscriberKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryFoldTest {

    private static final Instant T1 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant T2 = T1.plusSeconds(1);

    private static SubscriberDeliveries.Row row(String userId, String email, Outcome outcome, String reason, String churn) {
        return new SubscriberDeliveries.Row(new Subscriber(userId, email), outcome, reason, reason == null ? null : "words of " + reason,
                Map.of(DestinationField.CHURN_RISK, FieldValue.set(churn)));
    }

    @Test
    void anEraseRowsAnswerIsKeptApartAndNeverADelivery() {
        DeliveryFold fold = new DeliveryFold();
        SubscriberDeliveries.Row erased = new SubscriberDeliveries.Row(new Subscriber("u1", "u1@x.example"), Outcome.ACCEPTED, "cleared",
                null, Map.of(DestinationField.CHURN_RISK, FieldValue.CLEAR), "er-1");
        SubscriberDeliveries.Row unbounded = new SubscriberDeliveries.Row(new Subscriber("u3", null), Outcome.ACCEPTED, "cleared", null,
                Map.of(), "e".repeat(129));
        fold.add(SubscriberDeliveries.decode(SubscriberDeliveries.encode("acme", "iterable", T1,
                List.of(erased, row("u2", null, Outcome.ACCEPTED, null, "0.42"), unbounded), 1 << 20).get(0)));
        assertThat(fold.entries()).extracting(e -> e.subscriber.userId()).containsExactly("u2");
        assertThat(fold.erasures()).as("an erasure id off the eventId rule is passed over").singleElement().satisfies(a -> {
            assertThat(a.tenantId()).isEqualTo("acme");
            assertThat(a.kind()).isEqualTo("iterable");
            assertThat(a.row().erasureId()).isEqualTo("er-1");
            assertThat(a.row().reason()).isEqualTo("cleared");
        });
    }

    @Test
    void answersBeforeAnErasureAreNotKeptThoseAfterItAre() {
        DeliveryFold fold = new DeliveryFold();
        SubscriberDeliveries.Row erased = new SubscriberDeliveries.Row(new Subscriber("u1", "u1@x.example"), Outcome.ACCEPTED, "cleared",
                null, Map.of(DestinationField.CHURN_RISK, FieldValue.CLEAR), "er-1");
        // Before the erasure: u1 by userId and by e-mail, u2, and u1 at another destination.
        fold.add(new SubscriberDeliveries("acme", "iterable", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.42"),
                row(null, "u1@x.example", Outcome.ACCEPTED, null, "0.43"), row("u2", null, Outcome.ACCEPTED, null, "0.44"))));
        fold.add(new SubscriberDeliveries("acme", "blueconic", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.42"))));
        fold.add(new SubscriberDeliveries("acme", "iterable", T2, List.of(erased)));
        assertThat(fold.entries()).extracting(e -> e.kind + ":" + e.subscriber.userId()).containsExactly("iterable:u2", "blueconic:u1");
        assertThat(fold.erasures()).singleElement().satisfies(a -> assertThat(a.at()).isEqualTo(T2));
        // After it: they came back.
        fold.add(new SubscriberDeliveries("acme", "iterable", T2.plusSeconds(1), List.of(row("u1", null, Outcome.ACCEPTED, null, "0.9"))));
        assertThat(fold.entries()).extracting(e -> e.kind + ":" + e.subscriber.userId()).containsExactly("iterable:u2", "blueconic:u1",
                "iterable:u1");
    }

    @Test
    void keepsTheLastValuesDeliveredTheLastAnswerAndTheLastDeadLetterApart() {
        DeliveryFold fold = new DeliveryFold();
        fold.add(new SubscriberDeliveries("acme", "iterable", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.42"),
                row("u2", null, Outcome.DEAD_LETTERED, "forgotten", "0.10"))));
        fold.add(new SubscriberDeliveries("acme", "iterable", T2, List.of(row("u1", "u1@x.example", Outcome.DEAD_LETTERED,
                "rejected_400", "0.55"))));
        assertThat(fold.rows()).isEqualTo(3);
        assertThat(fold.entries()).hasSize(2);
        DeliveryFold.Entry u1 = fold.entries().iterator().next();
        assertThat(u1.stateKey).isEqualTo(SubscriberKey.ofUserId("acme", "u1").encode());
        assertThat(u1.deliveredAt).isEqualTo(T1);
        assertThat(u1.deliveredValues).containsEntry("subsetsSubscriberChurnRisk", "0.42");
        assertThat(u1.answeredAt).isEqualTo(T2);
        assertThat(u1.answer).isEqualTo(Outcome.DEAD_LETTERED);
        assertThat(u1.answerReason).isEqualTo("rejected_400");
        assertThat(u1.deadLetterValues).containsEntry("subsetsSubscriberChurnRisk", "0.55");
        assertThat(u1.subscriber.email()).as("the newest identity").isEqualTo("u1@x.example");
    }

    @Test
    void anOlderAnswerArrivingLateChangesNothingNewer() {
        DeliveryFold fold = new DeliveryFold();
        fold.add(new SubscriberDeliveries("acme", "iterable", T2, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.55"))));
        fold.add(new SubscriberDeliveries("acme", "iterable", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.42"),
                row("u1", null, Outcome.SKIPPED, "consent_mismatch", "0.42"))));
        DeliveryFold.Entry u1 = fold.entries().iterator().next();
        assertThat(u1.deliveredValues).containsEntry("subsetsSubscriberChurnRisk", "0.55");
        assertThat(u1.answer).isEqualTo(Outcome.ACCEPTED);
        assertThat(u1.answerReason).isNull();
        assertThat(u1.deadLetterAt).as("a skip is no dead letter").isNull();
    }

    @Test
    void separatesTenantsDestinationsAndSubscribersKeyedByEmail() {
        DeliveryFold fold = new DeliveryFold();
        fold.add(new SubscriberDeliveries("acme", "iterable", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.1"))));
        fold.add(new SubscriberDeliveries("acme", "blueconic", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.1"))));
        fold.add(new SubscriberDeliveries("other", "iterable", T1, List.of(row("u1", null, Outcome.ACCEPTED, null, "0.1"))));
        fold.add(new SubscriberDeliveries("acme", "iterable", T1, List.of(row(null, "e@x.example", Outcome.ACCEPTED, null, "0.1"))));
        assertThat(fold.entries()).extracting(e -> e.tenantId + "/" + e.kind + "/" + e.stateKey).containsExactly(
                "acme/iterable/" + SubscriberKey.ofUserId("acme", "u1").encode(),
                "acme/blueconic/" + SubscriberKey.ofUserId("acme", "u1").encode(),
                "other/iterable/" + SubscriberKey.ofUserId("other", "u1").encode(),
                "acme/iterable/" + SubscriberKey.ofEmail("acme", "e@x.example").encode());
    }
}
