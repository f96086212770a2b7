package com.subsets.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InFlightBudgetTest {

    @Test
    void refusesWhatDoesNotFitAndFreesWhatIsReleased() {
        InFlightBudget budget = new InFlightBudget(100);

        assertThat(budget.tryAcquire(60)).isTrue();
        assertThat(budget.tryAcquire(50)).isFalse();
        assertThat(budget.used()).isEqualTo(60);
        budget.release(60);
        assertThat(budget.tryAcquire(100)).isTrue();
        assertThat(budget.tryAcquire(1)).isFalse();
    }

    @Test
    void aRequestLargerThanTheWholeBudgetNeverFits() {
        assertThat(new InFlightBudget(100).tryAcquire(101)).isFalse();
    }
}
