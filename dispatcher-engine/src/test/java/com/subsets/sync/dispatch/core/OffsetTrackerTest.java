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

    /**
     * Against a sorted map of what is unresolved, over a long random run: records taken with gaps in
     * the offsets, resolved out of order, one left hanging for long stretches, so the arrays fill with
     * resolved records behind it, get compacted and grow.
     */
    @Test
    void agreesWithASortedMapOverALongRandomRun() {
        java.util.Random random = new java.util.Random(7);
        java.util.TreeMap<Long, Integer> model = new java.util.TreeMap<>();
        java.util.List<Long> open = new java.util.ArrayList<>();
        long next = 100;
        long nextToTake = -1;
        long committed = 100;
        for (int step = 0; step < 200_000; step++) {
            if (open.isEmpty() || random.nextInt(100) < 52) {
                int bytes = random.nextInt(500);
                tracker.taken(3, next, bytes);
                model.put(next, bytes);
                open.add(next);
                nextToTake = next + 1;
                next += 1 + (random.nextInt(10) == 0 ? random.nextInt(5) : 0);
            } else {
                // Mostly recent records; the oldest one only now and then.
                int index = random.nextInt(50) == 0 ? 0 : open.size() - 1 - random.nextInt(Math.min(open.size(), 300));
                long offset = open.remove(Math.max(0, index));
                tracker.resolved(3, offset);
                model.remove(offset);
                tracker.resolved(3, offset);
            }
            if (step % 997 == 0) {
                assertThat(tracker.unresolved()).isEqualTo(model.size());
                assertThat(tracker.unresolvedBytes()).isEqualTo(model.values().stream().mapToLong(Integer::longValue).sum());
                assertThat(tracker.unresolved(3)).containsExactlyElementsOf(model.keySet());
                long committable = model.isEmpty() ? nextToTake : model.firstKey();
                if (committable > committed) {
                    assertThat(tracker.toCommit()).containsEntry(3, committable);
                    tracker.committed(3, committable);
                    committed = committable;
                } else {
                    assertThat(tracker.toCommit()).doesNotContainKey(3);
                }
            }
        }
    }
}
