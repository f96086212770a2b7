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

    private static com.subsets.sync.model.StateRecord churnState(String user, String churn, int secondsAfterT0) {
        return new com.subsets.sync.model.StateRecord("acme", new com.subsets.sync.model.Subscriber(user, null),
                java.util.Map.of(DestinationField.CHURN_RISK,
                        new com.subsets.sync.model.FieldFact(churn, Events.T0.plusSeconds(secondsAfterT0), secondsAfterT0, "e")));
    }

    /** The issue-25 race: a backfill's older state of a subscriber reaches the lane after live sent a newer one. */
    @Test
    void theGateKeepsAnOlderStateFromGoingOutAfterANewerOneWentAndSetsItAsideAsSuperseded() {
        lane.rememberSends(true);
        lane.add("ada", churnState("ada", "0.90", 60), at(50_000), 0);
        SubscriberUpdate live = lane.drain().get(0);
        lane.completed(List.of(live));

        lane.add("ada", churnState("ada", "0.10", 5), at(12), 0);
        lane.add("bob", churnState("bob", "0.10", 5), at(13), 0);

        assertThat(lane.drain()).extracting(SubscriberUpdate::key).containsExactly("bob");
        List<SubscriberUpdate> superseded = lane.takeSuperseded();
        assertThat(superseded).extracting(SubscriberUpdate::key).containsExactly("ada");
        assertThat(superseded.get(0).sources()).extracting(SourceRecord::offset).containsExactly(12L);
        assertThat(lane.takeSuperseded()).isEmpty();
        assertThat(lane.pendingRecords()).isZero();
    }

    @Test
    void ofTwoStatesOfOneKeyTheNewerIsTheRowWholeWhicheverArrivesFirst() {
        com.subsets.sync.model.StateRecord older = new com.subsets.sync.model.StateRecord("acme",
                new com.subsets.sync.model.Subscriber("u-0", "ada@example.com"), java.util.Map.of(
                DestinationField.EXPERIMENT_ID, new com.subsets.sync.model.FieldFact("exp-1", Events.T0.plusSeconds(50), 4, "a"),
                DestinationField.CHURN_RISK, new com.subsets.sync.model.FieldFact("0.50", Events.T0.plusSeconds(50), 4, "a")));
        com.subsets.sync.model.StateRecord newer = new com.subsets.sync.model.StateRecord("acme",
                new com.subsets.sync.model.Subscriber("u-1", "ada@example.com"), java.util.Map.of(
                DestinationField.CHURN_RISK, new com.subsets.sync.model.FieldFact("0.90", Events.T0.plusSeconds(10), 9, "b")));

        lane.add("ada@example.com", newer, at(21), 0);
        lane.add("ada@example.com", older, at(10), 0);

        SubscriberUpdate row = lane.drain().get(0);
        assertThat(row.version()).isEqualTo(21);
        assertThat(row.identity().userId()).as("the e-mail moved to u-1: u-0's facts are not u-1's").isEqualTo("u-1");
        assertThat(row.fields()).containsOnlyKeys(DestinationField.CHURN_RISK);
        assertThat(row.fields().get(DestinationField.CHURN_RISK)).isEqualTo(FieldValue.set("0.90"));
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactly(21L, 10L);
    }

    @Test
    void aRetriedStateRowGivesWayToANewerStateThatArrivedMeanwhile() {
        lane.add("ada", churnState("ada", "0.10", 5), at(12), 0);
        List<SubscriberUpdate> failed = lane.drain();
        lane.add("ada", churnState("ada", "0.90", 60), at(40), 0);

        lane.requeue(failed, 0);

        SubscriberUpdate row = lane.drain().get(0);
        assertThat(row.version()).isEqualTo(40);
        assertThat(row.fields().get(DestinationField.CHURN_RISK)).isEqualTo(FieldValue.set("0.90"));
        assertThat(row.sources()).extracting(SourceRecord::offset).containsExactlyInAnyOrder(12L, 40L);
    }
}
