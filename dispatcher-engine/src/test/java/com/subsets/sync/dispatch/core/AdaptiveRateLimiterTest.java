package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {

    @Test
    void neverGrantsMoreThanTheRateInAnySecond() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 10_000, 0);
        int[] grantedPerSecond = new int[10];
        for (long now = 0; now < 10_000; now++) {
            if (limiter.tryAcquire(now) == 0) {
                grantedPerSecond[(int) (now / 1000)]++;
            }
        }
        assertThat(java.util.Arrays.stream(grantedPerSecond).boxed().toList()).allSatisfy(n -> assertThat(n).isBetween(4, 5));
    }

    @Test
    void saysHowLongToWaitWithoutTakingAToken() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 10_000, 0);
        assertThat(limiter.tryAcquire(0)).isZero();
        assertThat(limiter.tryAcquire(0)).isEqualTo(200);
        assertThat(limiter.tryAcquire(200)).isZero();
    }

    @Test
    void cutsFastOnThrottlingAndRecoversSlowly() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10, 5_000, 0);
        limiter.onThrottled(1_000);
        assertThat(limiter.currentRate(1_000)).isEqualTo(5);
        limiter.onThrottled(1_500);
        assertThat(limiter.currentRate(1_500)).isEqualTo(2.5);

        assertThat(limiter.currentRate(6_000)).as("not a full quiet window yet").isEqualTo(2.5);
        assertThat(limiter.currentRate(6_500)).isEqualTo(3.5);
        assertThat(limiter.currentRate(21_500)).isEqualTo(6.5);
        assertThat(limiter.currentRate(100_000)).as("never above the configured rate").isEqualTo(10);
    }
}
