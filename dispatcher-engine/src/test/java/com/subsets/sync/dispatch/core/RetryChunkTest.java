package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryChunkTest {

    private static List<SubscriberUpdate> rows(int count) {
        List<SubscriberUpdate> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new SubscriberUpdate("u-" + i));
        }
        return rows;
    }

    @Test
    void halvingKeepsEveryRowOnceAndTheFirstFailureTime() {
        RetryChunk chunk = new RetryChunk(rows(5), 1_000, 0, 1_000);

        List<RetryChunk> halves = chunk.halves(1_200);

        assertThat(halves).hasSize(2);
        assertThat(halves.get(0).rows()).extracting(SubscriberUpdate::key).containsExactly("u-0", "u-1");
        assertThat(halves.get(1).rows()).extracting(SubscriberUpdate::key).containsExactly("u-2", "u-3", "u-4");
        assertThat(halves).allSatisfy(h -> {
            assertThat(h.firstFailureMillis()).as("the give-up time counts from the body's first failure").isEqualTo(1_000);
            assertThat(h.attempt()).isEqualTo(1);
            assertThat(h.due(1_199)).isFalse();
            assertThat(h.due(1_200)).isTrue();
        });
    }

    @Test
    void aThousandRowBodyIsNarrowedToItsBadRowInTenHalvings() {
        RetryChunk chunk = new RetryChunk(rows(1_000), 0, 0, 0);
        int halvings = 0;
        while (!chunk.isolated()) {
            // Keep the half holding the bad row, u-737.
            chunk = chunk.halves(0).stream().filter(h -> h.rows().stream().anyMatch(r -> r.key().equals("u-737"))).findFirst()
                    .orElseThrow();
            halvings++;
        }
        assertThat(chunk.rows()).extracting(SubscriberUpdate::key).containsExactly("u-737");
        assertThat(halvings).isEqualTo(10);
    }

    @Test
    void aChunkSentAgainCountsTheAttempt() {
        RetryChunk again = new RetryChunk(rows(1), 0, 3, 0).again(5_000);

        assertThat(again.attempt()).isEqualTo(4);
        assertThat(again.due(4_999)).isFalse();
    }
}
