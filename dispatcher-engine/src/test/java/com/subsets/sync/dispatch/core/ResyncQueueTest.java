package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.dispatch.core.ResyncQueue.Reader;
import com.subsets.sync.dispatch.core.ResyncQueue.Waiting;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResyncQueueTest {

    @Test
    void aThousandResyncsStartNoMoreThanTheBoundsAndTheRestAreNumberedInOrder() {
        ResyncQueue queue = new ResyncQueue(10, 2);
        List<Waiting> waiting = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            waiting.add(new Waiting(i + 1, i % 12));
        }

        ResyncQueue.Plan plan = queue.plan(waiting, 0, Map.of());

        // The oldest is on partition 0, the next on 1: two readers, then the third partition blocks the rest.
        assertThat(plan.start()).containsOnlyKeys(0, 1);
        assertThat(plan.start().get(0)).containsExactly(1L);
        assertThat(plan.start().get(1)).containsExactly(2L);
        assertThat(plan.positions()).hasSize(998);
        assertThat(plan.positions().get(3L)).isEqualTo(1);
        assertThat(plan.positions().get(1_000L)).isEqualTo(998);
    }

    @Test
    void oneReaderTakesEveryWaitingResyncOfItsPartitionUpToTheRunningBound() {
        ResyncQueue queue = new ResyncQueue(3, 4);
        List<Waiting> waiting = List.of(new Waiting(1, 5), new Waiting(2, 5), new Waiting(3, 5), new Waiting(4, 5), new Waiting(5, 6));

        ResyncQueue.Plan plan = queue.plan(waiting, 0, Map.of());

        assertThat(plan.start()).containsExactly(Map.entry(5, List.of(1L, 2L, 3L)));
        assertThat(plan.positions()).containsExactly(Map.entry(4L, 1), Map.entry(5L, 2));
    }

    @Test
    void runningResyncsTakeTheirSlots() {
        ResyncQueue queue = new ResyncQueue(4, 4);

        ResyncQueue.Plan plan = queue.plan(List.of(new Waiting(7, 1), new Waiting(8, 2)), 3, Map.of(0, Reader.READING));

        assertThat(plan.start()).containsExactly(Map.entry(1, List.of(7L)));
        assertThat(plan.positions()).containsExactly(Map.entry(8L, 1));
    }

    @Test
    void aResyncWhosePartitionIsBeingReadWaitsForTheNextPassWithoutHoldingOthersBack() {
        ResyncQueue queue = new ResyncQueue(10, 2);

        ResyncQueue.Plan plan = queue.plan(List.of(new Waiting(1, 3), new Waiting(2, 4)), 1, Map.of(3, Reader.READING));

        assertThat(plan.start()).containsExactly(Map.entry(4, List.of(2L)));
        assertThat(plan.positions()).containsExactly(Map.entry(1L, 1));
    }

    @Test
    void aReaderBetweenPassesContinuesWithItsPartitionOrStops() {
        ResyncQueue queue = new ResyncQueue(10, 2);
        Map<Integer, Reader> readers = Map.of(3, Reader.BETWEEN_PASSES, 4, Reader.BETWEEN_PASSES);

        ResyncQueue.Plan plan = queue.plan(List.of(new Waiting(9, 3)), 0, readers);

        assertThat(plan.start()).containsExactly(Map.entry(3, List.of(9L)));
        assertThat(plan.stop()).containsExactly(4);
    }

    @Test
    void theOldestWaitingForAReaderHoldsYoungerOnesBackUntilAReaderStops() {
        ResyncQueue queue = new ResyncQueue(10, 1);
        // The only reader is between passes on partition 2; the oldest waiting resync needs partition 1.
        Map<Integer, Reader> readers = new HashMap<>(Map.of(2, Reader.BETWEEN_PASSES));
        List<Waiting> waiting = List.of(new Waiting(1, 1), new Waiting(2, 2));

        ResyncQueue.Plan first = queue.plan(waiting, 0, readers);
        assertThat(first.start()).isEmpty();
        assertThat(first.stop()).containsExactly(2);
        assertThat(first.positions()).containsExactly(Map.entry(1L, 1), Map.entry(2L, 2));

        ResyncQueue.Plan second = queue.plan(waiting, 0, Map.of());
        assertThat(second.start()).containsExactly(Map.entry(1, List.of(1L)));
        assertThat(second.positions()).containsExactly(Map.entry(2L, 1));
    }

    @Test
    void boundsBelowOneAreRefused() {
        assertThatThrownBy(() -> new ResyncQueue(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResyncQueue(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
