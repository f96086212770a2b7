package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {

    private final OffsetTracker tracker = new OffsetTracker();

    @Test
    void commitNeverPassesAnUnresolvedRecord() {
        for (long o = 10; o < 15; o++) {
            tracker.taken(0, o, 10);
        }
        tracker.resolved(0, 10);
        tracker.resolved(0, 12);
        tracker.resolved(0, 13);

        assertThat(tracker.toCommit()).isEqualTo(Map.of(0, 11L));

        tracker.resolved(0, 11);
        assertThat(tracker.toCommit()).as("the smallest unresolved").isEqualTo(Map.of(0, 14L));
        tracker.resolved(0, 14);
        assertThat(tracker.toCommit()).as("one past the last taken").isEqualTo(Map.of(0, 15L));
    }

    @Test
    void reportsOnlyPartitionsThatMovedSinceTheLastCommit() {
        tracker.taken(0, 0, 10);
        tracker.taken(1, 0, 10);
        tracker.resolved(0, 0);
        tracker.committed(0, 1);

        assertThat(tracker.toCommit()).isEmpty();
        tracker.resolved(1, 0);
        assertThat(tracker.toCommit()).isEqualTo(Map.of(1, 1L));
    }

    @Test
    void forgetsRevokedPartitionsWithoutCommittingThem() {
        tracker.taken(0, 5, 10);
        tracker.taken(1, 7, 10);
        tracker.forget(List.of(1));
        tracker.resolved(1, 7);

        assertThat(tracker.toCommit()).doesNotContainKey(1);
        assertThat(tracker.unresolved()).isEqualTo(1);
        assertThat(tracker.unresolvedBytes()).as("the forgotten partition's bytes are released").isEqualTo(10);
        tracker.resolved(0, 5);
        assertThat(tracker.unresolvedBytes()).isZero();
    }

    @Test
    void refusesOffsetsGoingBackwards() {
        tracker.taken(0, 5, 10);
        assertThatThrownBy(() -> tracker.taken(0, 4, 10)).hasMessageContaining("offset 4 taken after 5");
    }
}
