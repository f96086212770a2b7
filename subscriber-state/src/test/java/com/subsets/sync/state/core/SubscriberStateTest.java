package com.subsets.sync.state.core;

import com.subsets.sync.model.SubscriberKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.FieldMemory;
import com.subsets.sync.model.Subscriber;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubscriberStateTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private static AssignmentEvent scored(String id, int second, String risk) {
        return new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(second), new Subscriber("u-1", null),
                null, null, null, new BigDecimal(risk));
    }

    private static AssignmentEvent assigned(String id, int second, String experiment) {
        return new AssignmentEvent(id, EventType.ASSIGNED, "acme", T0.plusSeconds(second), new Subscriber("u-1", null),
                new Experiment(experiment, "Name " + experiment), Assignment.TREATMENT, T0, null);
    }

    private static AssignmentEvent unassigned(String id, int second) {
        return new AssignmentEvent(id, EventType.UNASSIGNED, "acme", T0.plusSeconds(second), new Subscriber("u-1", null),
                new Experiment("x", null), null, null, null);
    }

    @Test
    void theNewestFactWinsFieldByFieldWhateverTheOrderOfArrival() {
        SubscriberState state = new SubscriberState();
        assertThat(state.apply(scored("s-20", 20, "0.98"), 5)).isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(state.apply(scored("s-10", 10, "0.69"), 6)).as("older score, later offset: only remembered")
                .isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(state.apply(scored("s-11", 11, "0.98"), 9)).as("older, a value already seen").isEqualTo(SubscriberState.Applied.STALE);
        assertThat(state.apply(assigned("a-5", 5, "exp-1"), 7)).isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(state.apply(unassigned("u-3", 3), 8)).as("an older unassignment clears nothing").isEqualTo(SubscriberState.Applied.STALE);

        assertThat(state.fields().get(DestinationField.CHURN_RISK).value()).isEqualTo("0.98");
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).value()).isEqualTo("exp-1");
    }

    @Test
    void aTieInTimeGoesToTheLaterOffsetAndAClearIsExplicit() {
        SubscriberState state = new SubscriberState();
        state.apply(assigned("a", 10, "exp-1"), 1);
        assertThat(state.apply(unassigned("u", 10), 2)).isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).value()).isNull();
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).eventId()).isEqualTo("u");
        assertThat(state.apply(assigned("a", 10, "exp-1"), 1)).as("the same event again").isEqualTo(SubscriberState.Applied.STALE);
    }

    @Test
    void aRepeatedEventIsADuplicateAndTheSameValueNewerIsARefresh() {
        SubscriberState state = new SubscriberState();
        state.apply(scored("s-1", 1, "0.5"), 1);
        assertThat(state.apply(scored("s-1", 1, "0.5"), 1)).isEqualTo(SubscriberState.Applied.DUPLICATE);
        assertThat(state.apply(scored("s-2", 2, "0.5"), 2)).isEqualTo(SubscriberState.Applied.REFRESHED);
        assertThat(state.fields().get(DestinationField.CHURN_RISK).eventId()).isEqualTo("s-2");
    }

    /** Any order of the same events ends in the same state: the one the events in time order give. */
    @Test
    void everyOrderOfArrivalEndsInTheSameState() {
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(switch (i % 3) {
                case 0 -> scored("s-" + i, i, "0." + (10 + i));
                case 1 -> assigned("a-" + i, i, "exp-" + i);
                default -> unassigned("u-" + i, i);
            });
        }
        SubscriberState inOrder = new SubscriberState();
        for (int i = 0; i < events.size(); i++) {
            inOrder.apply(events.get(i), i);
        }
        Random random = new Random(19);
        for (int round = 0; round < 200; round++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                order.add(i);
            }
            Collections.shuffle(order, random);
            SubscriberState shuffled = new SubscriberState();
            // Offsets follow arrival; event times decide, so arrival order must not matter.
            for (int arrival = 0; arrival < order.size(); arrival++) {
                shuffled.apply(events.get(order.get(arrival)), 100 + arrival);
            }
            for (DestinationField field : DestinationField.values()) {
                assertThat(shuffled.fields().get(field).value()).as(field + " after " + order)
                        .isEqualTo(inOrder.fields().get(field).value());
                assertThat(shuffled.fields().get(field).history().sameValuesAs(inOrder.fields().get(field).history()))
                        .as("first value and values seen of " + field + " after " + order).isTrue();
            }
        }
    }

    @Test
    void theCodecKeepsEveryFactAndTheKeyKeepsTheTenantFirst() {
        SubscriberState state = new SubscriberState();
        state.apply(assigned("a", 10, "exp-1"), 1);
        state.apply(unassigned("u", 11), 2);
        state.apply(scored("s", 12, "0.42"), 3);
        SubscriberKey key = new SubscriberKey("acme", "u-1", null);

        com.subsets.sync.model.StateRecord record = new com.subsets.sync.model.StateRecord(key.tenantId(),
                new Subscriber(key.userId(), key.email()), state.fields());
        com.subsets.sync.model.StateRecord read = com.subsets.sync.model.StateRecordCodec.decode(
                com.subsets.sync.model.StateRecordCodec.encode(record));

        assertThat(read).isEqualTo(record);
        assertThat(SubscriberKey.tenantOf(key.encode())).isEqualTo("acme");
        assertThat(new String(com.subsets.sync.model.StateRecordCodec.encode(record), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"subsetsExperimentId\":{\"value\":null").contains("\"subsetsSubscriberChurnRisk\":{\"value\":\"0.42\"");
    }

    @Test
    void theMemoryOutlivesAnUnassignmentAndGrowsWithAReassignment() {
        SubscriberState state = new SubscriberState();
        state.apply(assigned("a-1", 10, "exp-1"), 1);
        state.apply(unassigned("u-1", 20), 2);
        assertThat(state.apply(assigned("a-2", 30, "exp-2"), 3)).isEqualTo(SubscriberState.Applied.CHANGED);

        FieldMemory id = state.fields().get(DestinationField.EXPERIMENT_ID).history();
        assertThat(id.first().value()).isEqualTo("exp-1");
        assertThat(id.values()).containsExactly("exp-1", "exp-2");
        state.apply(unassigned("u-2", 40), 4);
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).value()).isNull();
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).history().values()).containsExactly("exp-1", "exp-2");
    }

    @Test
    void anOlderAssignmentArrivingLateChangesNoCurrentValueButBecomesTheFirst() {
        SubscriberState state = new SubscriberState();
        state.apply(assigned("a-2", 20, "exp-2"), 1);

        assertThat(state.apply(assigned("a-1", 10, "exp-1"), 2)).as("the memory changed: worth writing")
                .isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).value()).isEqualTo("exp-2");
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).history().first().value()).isEqualTo("exp-1");
        assertThat(state.fields().get(DestinationField.EXPERIMENT_ID).history().values()).containsExactly("exp-1", "exp-2");
        assertThat(state.apply(assigned("a-1", 10, "exp-1"), 2)).as("and again: nothing new").isEqualTo(SubscriberState.Applied.STALE);
    }

    @Test
    void mergingAnotherIdentitysStateMergesTheMemories() {
        SubscriberState byEmail = new SubscriberState();
        byEmail.apply(assigned("a-1", 10, "exp-1"), 1);
        byEmail.apply(unassigned("u-1", 15), 2);
        SubscriberState byUser = new SubscriberState();
        byUser.apply(assigned("a-2", 20, "exp-2"), 3);

        assertThat(byUser.merge(byEmail.fields())).isTrue();

        FieldMemory id = byUser.fields().get(DestinationField.EXPERIMENT_ID).history();
        assertThat(byUser.fields().get(DestinationField.EXPERIMENT_ID).value()).isEqualTo("exp-2");
        assertThat(id.first().value()).isEqualTo("exp-1");
        assertThat(id.values()).containsExactly("exp-1", "exp-2");
    }
}
