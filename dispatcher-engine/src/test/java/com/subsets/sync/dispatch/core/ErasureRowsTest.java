package com.subsets.sync.dispatch.core;

import static com.subsets.sync.dispatch.core.Events.T0;
import static com.subsets.sync.dispatch.core.Events.assigned;
import static com.subsets.sync.dispatch.core.Events.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.WriteMode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Erase rows in the lane's buffer and gate: the newest version wins, and an erasure that went out is never undone. */
class ErasureRowsTest {

    private static final Subscriber ADA = new Subscriber("ada", "ada@example.com");
    private static final Erasure ERASURE = new Erasure("er-1", "acme", T0.plusSeconds(100), ADA);

    private final LaneBuffer lane = new LaneBuffer(new BatchLimits(10, 1_000_000, Duration.ofMillis(250)));

    private static StateRecord state(String experiment) {
        return new StateRecord("acme", ADA, Map.of(DestinationField.EXPERIMENT_ID,
                new FieldFact(experiment, T0, 1, "e-1"), DestinationField.CHURN_RISK, new FieldFact("0.3", T0, 1, "e-1")));
    }

    private static void assertAllCleared(SubscriberUpdate row) {
        assertThat(row.fields()).hasSize(5).allSatisfy((field, value) -> assertThat(value).isEqualTo(FieldValue.CLEAR));
    }

    @Test
    void anErasureNewerThanThePendingStateReplacesItAndClearsTheFiveFields() {
        lane.add("ada", state("exp-1"), at(10), 0);
        assertThat(lane.add("ada", ERASURE, at(11), 0)).isTrue();

        SubscriberUpdate row = lane.drain().get(0);

        assertThat(row.erasure()).isEqualTo(ERASURE);
        assertThat(row.identity()).isEqualTo(ADA);
        assertThat(row.version()).isEqualTo(11);
        assertAllCleared(row);
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactly(10L, 11L);
    }

    @Test
    void aNewerStateReplacesThePendingErasure() {
        lane.add("ada", ERASURE, at(11), 0);
        lane.add("ada", state("exp-2"), at(12), 0);

        SubscriberUpdate row = lane.drain().get(0);

        assertThat(row.erasure()).as("the subscriber came back after the erasure").isNull();
        assertThat(row.fields().get(DestinationField.EXPERIMENT_ID)).isEqualTo(FieldValue.set("exp-2"));
    }

    @Test
    void anOlderStateArrivingAfterTheErasureDoesNotUndoIt() {
        lane.add("ada", ERASURE, at(11), 0);
        lane.add("ada", state("exp-1"), at(10), 0);

        SubscriberUpdate row = lane.drain().get(0);

        assertThat(row.erasure()).isEqualTo(ERASURE);
        assertAllCleared(row);
    }

    @Test
    void anEraseRowWritesTheFiveFieldsClearedWhateverTheWriteModes() {
        lane.add("ada", ERASURE, at(11), 0);
        FieldModes keepEverything = FieldModes.parse(Map.of("subsetsExperimentId", "add", "subsetsSubscriberChurnRisk", "set"));

        var writes = lane.drain().get(0).writes(keepEverything);

        assertThat(writes).hasSize(5).allSatisfy((field, write) -> {
            assertThat(write.values()).isEmpty();
            assertThat(write.mode()).isEqualTo(WriteMode.SET_OR_CLEAR);
        });
    }

    @Test
    void anErasedEventNewerThanTheEventsPendingMakesAnEraseRowAndANewerEventUndoesIt() {
        AssignmentEvent erased = new AssignmentEvent("er-2", EventType.ERASED, "acme", T0.plusSeconds(50),
                new Subscriber("ada", null), null, null, null, null);
        lane.add("ada", assigned("ada", "exp-1", 10), at(1), 0);
        lane.add("ada", erased, at(2), 0);
        SubscriberUpdate row = lane.drain().get(0);
        assertThat(row.erasure()).isNotNull();
        assertThat(row.erasure().erasureId()).isEqualTo("er-2");
        assertAllCleared(row);

        SubscriberUpdate back = new SubscriberUpdate("ada");
        back.merge(erased, at(2));
        back.merge(assigned("ada", "exp-3", 60), at(3));
        assertThat(back.erasure()).as("assigned again after the erasure").isNull();
        assertThat(back.fields().get(DestinationField.EXPERIMENT_ID)).isEqualTo(FieldValue.set("exp-3"));
        assertThat(back.fields().get(DestinationField.CHURN_RISK)).isEqualTo(FieldValue.CLEAR);

        SubscriberUpdate late = new SubscriberUpdate("ada");
        late.merge(erased, at(2));
        late.merge(assigned("ada", "exp-0", 5), at(3));
        assertThat(late.erasure()).as("an event older than the erasure, arriving after it").isNotNull();
        assertAllCleared(late);
    }

    @Test
    void aRetriedEraseRowAbsorbedIntoANewerStateGivesWayAndIntoAnOlderOneWins() {
        SubscriberUpdate erase = new SubscriberUpdate("ada");
        erase.merge(ERASURE, at(11));
        SubscriberUpdate newer = new SubscriberUpdate("ada");
        newer.merge(state("exp-2"), at(12));
        newer.absorb(erase);
        assertThat(newer.erasure()).isNull();

        SubscriberUpdate older = new SubscriberUpdate("ada");
        older.merge(state("exp-1"), at(10));
        older.absorb(erase);
        assertThat(older.erasure()).isEqualTo(ERASURE);
        assertAllCleared(older);
        assertThat(older.withoutSources().erasure()).isEqualTo(ERASURE);
    }

    @Test
    void aResyncsOlderStateOfAnErasedSubscriberIsRefusedWithNoOtherPathRunning() {
        lane.add("ada", ERASURE, at(11), 0);
        List<SubscriberUpdate> out = lane.drain();
        lane.completed(out);
        assertThat(lane.rememberedSends()).as("no resync ran: nothing but erasures is remembered").isZero();

        // A backfill started after the erasure reads ada's older state from the state topic.
        lane.rememberSends(true);
        lane.forgetSentBelow(1_000);
        lane.add("ada", state("exp-1"), resyncAt(10), 0);

        assertThat(lane.drain()).as("the older state never goes out again").isEmpty();
        assertThat(lane.takeSuperseded()).extracting(SubscriberUpdate::version).containsExactly(10L);

        lane.rememberSends(false);
        lane.add("ada", state("exp-9"), at(12), 0);
        assertThat(lane.drain()).as("a state newer than the erasure: the subscriber came back")
                .extracting(SubscriberUpdate::version).containsExactly(12L);
    }

    @Test
    void theGateRemembersErasuresUpToItsBoundForgettingTheOldestFirst() {
        DeliveryGate gate = new DeliveryGate(2);
        gate.sending("a", 10, true);
        gate.sending("b", 11, true);
        gate.sending("a", 12, true);
        gate.sending("c", 13, true);

        assertThat(gate.erasuresRemembered()).isEqualTo(2);
        assertThat(gate.admits("b", 5)).as("b was the oldest: forgotten").isTrue();
        assertThat(gate.admits("a", 11)).as("a erased again lately: kept").isFalse();
        assertThat(gate.admits("c", 12)).isFalse();
        assertThat(gate.admits("c", 13)).as("the erasure itself again").isTrue();

        gate.remember(true, Map.of());
        gate.forgetBelow(1_000);
        gate.remember(false, Map.of());
        assertThat(gate.admits("a", 11)).as("forgetBelow and the end of a resync keep erasures").isFalse();
        assertThat(gate.remembered()).isZero();
        assertThat(DeliveryGate.ERASURES_REMEMBERED).isEqualTo(10_000);
    }

    private static SourceRecord resyncAt(long offset) {
        return new SourceRecord("t", 0, offset, "acme".getBytes(), new byte[0], Map.of(), 0, 7);
    }
}
