package com.subsets.sync.dispatch.core;

import static com.subsets.sync.dispatch.core.Events.assigned;
import static com.subsets.sync.dispatch.core.Events.at;
import static com.subsets.sync.dispatch.core.Events.scored;
import static com.subsets.sync.dispatch.core.Events.unassigned;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldValue;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LaneBufferTest {

    private final LaneBuffer lane = new LaneBuffer(new BatchLimits(3, 1_000_000, Duration.ofMillis(250)));

    @Test
    void coalescesUpdatesToOneSubscriberKeepingTheLatestValueOfEachField() {
        assertThat(lane.add("ada", assigned("ada", "exp-1", 10), at(0), 0)).isFalse();
        assertThat(lane.add("ada", scored("ada", "0.20", 20), at(1), 0)).isTrue();
        assertThat(lane.add("ada", assigned("ada", "exp-2", 30), at(2), 0)).isTrue();
        assertThat(lane.add("ada", scored("ada", "0.90", 15), at(3), 0)).as("older by event time").isTrue();

        List<SubscriberUpdate> batch = lane.drain();

        assertThat(batch).hasSize(1);
        SubscriberUpdate row = batch.get(0);
        assertThat(row.fields().get(DestinationField.EXPERIMENT_ID)).isEqualTo(FieldValue.set("exp-2"));
        assertThat(row.fields().get(DestinationField.CHURN_RISK))
                .as("0.20 at t+20 beats 0.90 at t+15 although it came first").isEqualTo(FieldValue.set("0.20"));
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactly(0L, 1L, 2L, 3L);
    }

    /** A state record's facts carry the time and events-topic offset that set them: states and events coalesce as events do. */
    @Test
    void statesCoalesceWithEventsByTheFactsTheyCarry() {
        com.subsets.sync.model.StateRecord state = new com.subsets.sync.model.StateRecord("acme",
                new com.subsets.sync.model.Subscriber("ada", null), java.util.Map.of(
                DestinationField.CHURN_RISK, new com.subsets.sync.model.FieldFact("0.98", Events.T0.plusSeconds(40), 17, "s-40"),
                DestinationField.EXPERIMENT_ID, new com.subsets.sync.model.FieldFact(null, Events.T0.plusSeconds(5), 3, "u-5")));

        lane.add("ada", state, at(100), 0);
        lane.add("ada", scored("ada", "0.10", 20), at(101), 0);
        lane.add("ada", assigned("ada", "exp-2", 30), at(102), 0);

        SubscriberUpdate row = lane.drain().get(0);
        assertThat(row.fields().get(DestinationField.CHURN_RISK)).as("the state's newer fact stays")
                .isEqualTo(FieldValue.set("0.98"));
        assertThat(row.fields().get(DestinationField.EXPERIMENT_ID)).as("a newer event beats the state's older clear")
                .isEqualTo(FieldValue.set("exp-2"));
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactly(100L, 101L, 102L);
    }

    @Test
    void equalEventTimesAreOrderedByOffset() {
        lane.add("ada", assigned("ada", "exp-1", 10), at(5), 0);
        lane.add("ada", unassigned("ada", 10), at(6), 0);

        assertThat(lane.drain().get(0).fields().get(DestinationField.EXPERIMENT_ID)).isEqualTo(FieldValue.CLEAR);
    }

    @Test
    void flushesAtTheRowLimitOrAfterTheLinger() {
        lane.add("a", scored("a", "0.1", 1), at(0), 1_000);
        assertThat(lane.ready(1_000)).isFalse();
        assertThat(lane.millisUntilLinger(1_100)).isEqualTo(150);
        assertThat(lane.ready(1_250)).as("linger elapsed").isTrue();

        lane.add("b", scored("b", "0.1", 1), at(1), 1_000);
        lane.add("c", scored("c", "0.1", 1), at(2), 1_000);
        assertThat(lane.ready(1_001)).as("three rows = the row limit").isTrue();
        lane.add("d", scored("d", "0.1", 1), at(3), 1_000);
        assertThat(lane.drain()).extracting(SubscriberUpdate::key).containsExactly("a", "b", "c");
        assertThat(lane.drain()).extracting(SubscriberUpdate::key).containsExactly("d");
    }

    @Test
    void flushesNearTheByteLimit() {
        LaneBuffer small = new LaneBuffer(new BatchLimits(1000, 1024, Duration.ofSeconds(10)));
        int i = 0;
        while (!small.ready(0)) {
            small.add("user-" + i, assigned("user-" + i, "exp-" + i, 1), at(i), 0);
            i++;
        }
        List<SubscriberUpdate> batch = small.drain();
        assertThat(batch.stream().mapToInt(SubscriberUpdate::estimatedBytes).sum()).isLessThanOrEqualTo(1024);
        assertThat(batch.size()).isLessThan(i);
    }

    @Test
    void aSubscriberInFlightIsHeldBackSoItsUpdatesNeverOvertakeEachOther() {
        lane.add("ada", scored("ada", "0.1", 1), at(0), 0);
        List<SubscriberUpdate> first = lane.drain();
        lane.add("ada", scored("ada", "0.2", 2), at(1), 0);
        lane.add("bob", scored("bob", "0.3", 2), at(2), 0);

        assertThat(lane.drain()).extracting(SubscriberUpdate::key).containsExactly("bob");
        lane.completed(first);
        assertThat(lane.drain()).extracting(SubscriberUpdate::key).containsExactly("ada");
    }

    @Test
    void aRequeuedRowMergesWithNewerUpdatesWithoutLosingThem() {
        lane.add("ada", assigned("ada", "exp-1", 10), at(0), 0);
        List<SubscriberUpdate> failed = lane.drain();
        lane.add("ada", scored("ada", "0.5", 20), at(1), 0);

        lane.requeue(failed, 0);
        SubscriberUpdate row = lane.drain().get(0);

        assertThat(row.fields()).containsEntry(DestinationField.EXPERIMENT_ID, FieldValue.set("exp-1"))
                .containsEntry(DestinationField.CHURN_RISK, FieldValue.set("0.50"));
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactlyInAnyOrder(0L, 1L);
        assertThat(lane.pendingRecords()).isZero();
    }

    @Test
    void forgetsRowsOfRevokedPartitions() {
        lane.add("ada", scored("ada", "0.1", 1), at(0), 0);
        lane.forgetPartitions(Set.of(0));
        assertThat(lane.pendingRows()).isZero();
        assertThat(lane.pendingBytes()).isZero();
    }
}
