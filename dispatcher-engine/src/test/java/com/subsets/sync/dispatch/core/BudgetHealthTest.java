package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BudgetHealthTest {

    private final BudgetHealth health = new BudgetHealth(10_000, 1_000);

    @Test
    void aBodyFailingWhileOtherRequestsSucceedIsTheBodysFault() {
        health.succeeded(1_000);

        assertThat(health.failed(5_000, false)).isEqualTo(BudgetHealth.Verdict.BODY);
        assertThat(health.inOutage()).isFalse();
    }

    @Test
    void aFailureWithNoRecentSuccessStartsAnOutageThatTheNextSuccessEnds() {
        health.succeeded(1_000);

        assertThat(health.failed(20_000, false)).isEqualTo(BudgetHealth.Verdict.VENDOR);
        assertThat(health.outageSinceMillis()).isEqualTo(20_000);
        assertThat(health.failed(21_000, true)).as("in an outage, even a narrowed body's failure is the vendor's")
                .isEqualTo(BudgetHealth.Verdict.VENDOR);

        health.succeeded(22_000);
        assertThat(health.inOutage()).isFalse();
        assertThat(health.failed(22_500, false)).isEqualTo(BudgetHealth.Verdict.BODY);
    }

    @Test
    void aBudgetThatNeverSucceededIsInAnOutageAtItsFirstFailure() {
        assertThat(health.failed(0, false)).isEqualTo(BudgetHealth.Verdict.VENDOR);
    }

    @Test
    void rowsAlreadyBeingNarrowedDownNeverStartAnOutage() {
        health.succeeded(0);

        assertThat(health.failed(600_000, true)).as("an isolated row failing alone for minutes").isEqualTo(BudgetHealth.Verdict.BODY);
        assertThat(health.inOutage()).isFalse();
    }

    @Test
    void probesGoAtMostOnceASecond() {
        health.failed(0, false);
        assertThat(health.probeDue(0)).isTrue();
        health.probed(0);

        assertThat(health.probeDue(999)).isFalse();
        assertThat(health.probeDue(1_000)).isTrue();
    }
}
