package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {

    @Test
    void neverGrantsMoreThanTheRateInAnyOneSecondWindowEvenAfterIdling() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 10_000, 0);
        java.util.List<Long> granted = new java.util.ArrayList<>();
        for (long now = 5_000; now < 15_000; now++) {
            if (limiter.tryAcquire(now) == 0) {
                granted.add(now);
            }
        }
        for (long end = 5_000; end < 15_000; end++) {
            long windowEnd = end;
            assertThat(granted.stream().filter(t -> t > windowEnd - 1000 && t <= windowEnd).count()).isLessThanOrEqualTo(5);
        }
        assertThat(granted).as("and it does use the budget").hasSizeGreaterThanOrEqualTo(49);
    }

    @Test
    void saysHowLongToWaitWithoutTakingAToken() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 10_000, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isEqualTo(200);
        assertThat(limiter.tryAcquire(200)).isZero();
    }

    @Test
    void restartingPacesFromThatMoment() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 10_000, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        limiter.restartFrom(150);
        assertThat(limiter.tryAcquire(200)).as("a full interval after the restart").isEqualTo(150);
        assertThat(limiter.tryAcquire(350)).isZero();
    }

    @Test
    void aLone429OnlyPausesButSustainedThrottlingCutsFastAndRecoversSlowly() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10, 5_000, 0);
        for (int i = 0; i < 20; i++) {
            limiter.onAnswer(100 + i, false);
        }
        assertThat(limiter.onAnswer(200, true)).as("1 of 21 answers").isFalse();
        assertThat(limiter.currentRate(200)).isEqualTo(10);
        assertThat(limiter.tryAcquire(200)).as("but the lane waits a full interval").isEqualTo(100);
        assertThat(limiter.onAnswer(300, true)).as("2 of 22: still under 10 %").isFalse();

        assertThat(limiter.onAnswer(5_400, false)).isFalse();
        assertThat(limiter.onAnswer(5_500, true)).isFalse();
        assertThat(limiter.onAnswer(5_600, true)).as("2 of 3 in a new window").isTrue();
        assertThat(limiter.currentRate(5_600)).isCloseTo(7, within(1e-9));
        assertThat(limiter.onAnswer(5_700, true)).isFalse();
        assertThat(limiter.onAnswer(5_800, true)).as("fresh evidence after a cut").isTrue();
        assertThat(limiter.currentRate(5_800)).isCloseTo(4.9, within(1e-9));

        assertThat(limiter.currentRate(10_700)).as("not a full quiet window yet").isCloseTo(4.9, within(1e-9));
        assertThat(limiter.currentRate(10_800)).isCloseTo(5.9, within(1e-9));
        assertThat(limiter.currentRate(25_800)).isCloseTo(8.9, within(1e-9));
        assertThat(limiter.currentRate(100_000)).as("never above the configured rate").isEqualTo(10);
    }
}
