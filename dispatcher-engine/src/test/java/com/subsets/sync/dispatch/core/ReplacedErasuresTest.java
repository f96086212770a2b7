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
import com.subsets.sync.model.FieldWrite;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.WriteMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A newer row of the subscriber that replaces a pending erase row (the subscriber came back) clears the fields it does
 * not write, which the erasure was to clear, and carries the erasure, whose outcome is then the row's.
 */
class ReplacedErasuresTest {

    private static final Subscriber ADA = new Subscriber("ada", "ada@example.com");
    private static final Erasure ERASURE = new Erasure("er-1", "acme", T0.plusSeconds(100), ADA);
    private static final FieldWrite CLEARED = new FieldWrite(WriteMode.SET_OR_CLEAR, List.of());

    /** ada back after the erasure: an experiment and a churn risk, none of the three other fields. */
    private static StateRecord stateAfter() {
        return new StateRecord("acme", ADA, Map.of(DestinationField.EXPERIMENT_ID,
                new FieldFact("exp-2", T0.plusSeconds(200), 12, "e-2"), DestinationField.CHURN_RISK,
                new FieldFact("0.4", T0.plusSeconds(200), 12, "e-2")));
    }

    private static void assertClearsTheRest(SubscriberUpdate row) {
        assertThat(row.erasure()).as("a row of values").isNull();
        assertThat(row.replacedErasures()).containsExactly(ERASURE);
        Map<DestinationField, FieldWrite> writes = row.writes(FieldModes.DEFAULT);
        assertThat(writes).hasSize(5);
        assertThat(writes.get(DestinationField.EXPERIMENT_ID).single()).isEqualTo("exp-2");
        assertThat(writes.get(DestinationField.CHURN_RISK).single()).isEqualTo("0.4");
        assertThat(writes.get(DestinationField.EXPERIMENT_NAME)).isEqualTo(CLEARED);
        assertThat(writes.get(DestinationField.EXPERIMENT_ADDED_AT)).isEqualTo(CLEARED);
        assertThat(writes.get(DestinationField.EXPERIMENT_ASSIGNMENT)).isEqualTo(CLEARED);
        assertThat(row.fields()).as("what the trail shows it wrote").hasSize(5)
                .containsEntry(DestinationField.EXPERIMENT_NAME, FieldValue.CLEAR)
                .containsEntry(DestinationField.EXPERIMENT_ID, FieldValue.set("exp-2"));
    }

    @Test
    void aNewerStateAfterThePendingErasureClearsTheRestAndCarriesIt() {
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(ERASURE, at(11));
        row.merge(stateAfter(), at(12));

        assertClearsTheRest(row);
    }

    @Test
    void anOlderErasureArrivingAfterTheNewerStateIsCarriedAlike() {
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(stateAfter(), at(12));
        row.merge(ERASURE, at(11));

        assertClearsTheRest(row);
        assertThat(row.version()).isEqualTo(12);
    }

    @Test
    void aRetriedRowAbsorbedEitherWayCarriesTheErasureItReplaced() {
        SubscriberUpdate erase = new SubscriberUpdate("ada");
        erase.merge(ERASURE, at(11));
        SubscriberUpdate state = new SubscriberUpdate("ada");
        state.merge(stateAfter(), at(12));
        state.absorb(erase);
        assertClearsTheRest(state);

        SubscriberUpdate pendingErase = new SubscriberUpdate("ada");
        pendingErase.merge(ERASURE, at(11));
        SubscriberUpdate retried = new SubscriberUpdate("ada");
        retried.merge(stateAfter(), at(12));
        pendingErase.absorb(retried);
        assertClearsTheRest(pendingErase);
        assertClearsTheRest(pendingErase.withoutSources());
    }

    @Test
    void aFieldTheModesWriteNothingToIsClearedToo() {
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(ERASURE, at(11));
        row.merge(new StateRecord("acme", ADA, Map.of(DestinationField.EXPERIMENT_ID,
                new FieldFact(null, T0.plusSeconds(200), 12, "e-2"))), at(12));

        // "set" writes nothing for a field that never held a value since: the vendor's pre-erasure value would stay.
        var writes = row.writes(FieldModes.parse(Map.of("subsetsExperimentId", "set")));

        assertThat(writes).hasSize(5).allSatisfy((field, write) -> assertThat(write).isEqualTo(CLEARED));
    }

    @Test
    void anErasureReplacedByAnotherIsCarriedAndTheSameErasureTwiceIsNot() {
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(ERASURE, at(11));
        // Its tombstone under ada's other key, same erasure: one erase row, nothing replaced.
        row.merge(ERASURE, at(12));
        assertThat(row.replacedErasures()).isEmpty();

        Erasure again = new Erasure("er-2", "acme", T0.plusSeconds(300), ADA);
        row.merge(again, at(20));
        assertThat(row.erasure()).isEqualTo(again);
        assertThat(row.replacedErasures()).containsExactly(ERASURE);
        assertThat(row.writes(FieldModes.DEFAULT)).hasSize(5).allSatisfy((field, write) -> assertThat(write).isEqualTo(CLEARED));
    }

    @Test
    void aRowThatReplacedNoErasureWritesOnlyItsOwnFields() {
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(stateAfter(), at(12));

        assertThat(row.replacedErasures()).isEmpty();
        assertThat(row.writes(FieldModes.DEFAULT)).containsOnlyKeys(DestinationField.EXPERIMENT_ID, DestinationField.CHURN_RISK);
        assertThat(row.fields()).hasSize(2);
    }

    @Test
    void eventsANewerEventCarriesTheErasureItReplacedInEitherOrder() {
        AssignmentEvent erased = new AssignmentEvent("er-3", EventType.ERASED, "acme", T0.plusSeconds(50),
                new Subscriber("ada", null), null, null, null, null);
        SubscriberUpdate back = new SubscriberUpdate("ada");
        back.merge(erased, at(2));
        back.merge(assigned("ada", "exp-3", 60), at(3));
        assertThat(back.replacedErasures()).extracting(Erasure::erasureId).containsExactly("er-3");
        assertThat(back.writes(FieldModes.DEFAULT)).hasSize(5);

        SubscriberUpdate lateErasure = new SubscriberUpdate("ada");
        lateErasure.merge(assigned("ada", "exp-3", 60), at(3));
        lateErasure.merge(erased, at(4));
        assertThat(lateErasure.erasure()).as("older by event time").isNull();
        assertThat(lateErasure.replacedErasures()).extracting(Erasure::erasureId).containsExactly("er-3");
        assertThat(lateErasure.writes(FieldModes.DEFAULT)).as("the erasure's clears stand where the event wrote nothing")
                .hasSize(5).containsEntry(DestinationField.CHURN_RISK, CLEARED);

        SubscriberUpdate erase = new SubscriberUpdate("ada");
        erase.merge(erased, at(2));
        SubscriberUpdate newer = new SubscriberUpdate("ada");
        newer.merge(assigned("ada", "exp-3", 60), at(3));
        newer.absorb(erase);
        assertThat(newer.erasure()).isNull();
        assertThat(newer.replacedErasures()).extracting(Erasure::erasureId).containsExactly("er-3");
    }
}
