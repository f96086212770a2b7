package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AdaptiveConcurrencyTest {

    @Test
    void startsAtOneGrowsWithCleanAnswersAndNeverPassesTheMaximum() {
        AdaptiveConcurrency concurrency = new AdaptiveConcurrency(1, 3);
        assertThat(concurrency.current()).isEqualTo(1);
        concurrency.answered(false);
        assertThat(concurrency.current()).isEqualTo(2);
        concurrency.answered(false);
        assertThat(concurrency.current()).as("a run as long as the current level").isEqualTo(2);
        concurrency.answered(false);
        assertThat(concurrency.current()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            concurrency.answered(false);
        }
        assertThat(concurrency.current()).isEqualTo(3);
    }

    @Test
    void halvesOnThrottlingButNeverBelowOne() {
        AdaptiveConcurrency concurrency = new AdaptiveConcurrency(1, 8);
        for (int i = 0; i < 30; i++) {
            concurrency.answered(false);
        }
        assertThat(concurrency.current()).isEqualTo(8);
        concurrency.answered(true);
        assertThat(concurrency.current()).isEqualTo(4);
        concurrency.answered(true);
        concurrency.answered(true);
        concurrency.answered(true);
        assertThat(concurrency.current()).isEqualTo(1);
    }

    @Test
    void startsAtTheConfiguredLevelAndStillHalvesOnThrottling() {
        AdaptiveConcurrency concurrency = new AdaptiveConcurrency(4, 6);
        assertThat(concurrency.current()).isEqualTo(4);
        concurrency.answered(true);
        assertThat(concurrency.current()).isEqualTo(2);
    }

    @Test
    void refusesAStartOutsideOneToTheMaximum() {
        assertThatThrownBy(() -> new AdaptiveConcurrency(5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial");
        assertThatThrownBy(() -> new AdaptiveConcurrency(0, 4))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
