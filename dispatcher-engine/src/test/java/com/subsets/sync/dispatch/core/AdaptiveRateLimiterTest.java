package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdaptiveRateLimiterTest {

    @Test
    void neverGrantsMoreThanTheRateInAnyOneSecondWindowEvenAfterIdling() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 1, 10_000, 0);
        java.util.List<Long> granted = new java.util.ArrayList<>();
        for (long now = 5_000; now < 15_000; now++) {
            if (tryAcquire(limiter, now) == 0) {
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
    void saysHowLongToWaitWithoutTakingASlot() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 1, 10_000, 0);
        assertThat(tryAcquire(limiter, 0)).isZero();
        assertThat(tryAcquire(limiter, 0)).as("half an interval apart at least").isEqualTo(100);
        assertThat(tryAcquire(limiter, 40)).isEqualTo(60);
        for (long now = 100; now <= 400; now += 100) {
            assertThat(tryAcquire(limiter, now)).isZero();
        }
        assertThat(tryAcquire(limiter, 500)).as("five in the window: the sixth waits for the first to leave it").isEqualTo(500);
        assertThat(tryAcquire(limiter, 1_000)).isZero();
    }

    @Test
    void aLateRequestDelaysOnlyTheOneAWindowAfterItSoLatenessDoesNotAccumulate() {
        // A pump that notices each free slot 0 to 20 ms late, as a busy event loop does.
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 0.975, 10_000, 0);
        java.util.Random random = new java.util.Random(7);
        java.util.List<Long> granted = new java.util.ArrayList<>();
        long now = 0;
        while (now < 60_000) {
            long wait = tryAcquire(limiter, now);
            if (wait == 0) {
                granted.add(now);
            } else {
                now += wait + random.nextInt(21);
            }
        }
        // Paced at 4.875/s and 10 ms late on average: 5 per 1,036 ms is 4.83/s, where a one-token
        // bucket would give 1 per 215 ms, 4.65/s.
        assertThat(granted.size() / 60.0).isGreaterThan(4.8);
        for (int i = 5; i < granted.size(); i++) {
            assertThat(granted.get(i) - granted.get(i - 5)).as("five in any 1,026 ms at most").isGreaterThanOrEqualTo(1_026);
        }
    }

    @Test
    void restartingCountsTheLastRequestFromThatMomentAndHoldsAnInterval() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 1, 10_000, 0);
        assertThat(tryAcquire(limiter, 0)).isZero();
        limiter.restartFrom(150);
        assertThat(tryAcquire(limiter, 200)).as("a full interval after the restart").isEqualTo(150);
        for (long now = 350; now <= 650; now += 100) {
            assertThat(tryAcquire(limiter, now)).isZero();
        }
        assertThat(tryAcquire(limiter, 750)).as("the window counts the first request from its answer").isEqualTo(400);
    }

    @Test
    void aLone429OnlyPausesButSustainedThrottlingCutsFastAndRecoversSlowly() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10, 1, 5_000, 0);
        for (int i = 0; i < 20; i++) {
            limiter.onAnswer(100 + i, false);
        }
        assertThat(limiter.onAnswer(200, true)).as("1 of the last 20 answers").isFalse();
        assertThat(limiter.currentRate(200)).isEqualTo(10);
        assertThat(tryAcquire(limiter, 200)).as("the window alone spaces the next request").isZero();
        assertThat(tryAcquire(limiter, 200)).isEqualTo(50);
        assertThat(limiter.onAnswer(300, true)).as("2 of the last 20: 10 %, not over it").isFalse();
        assertThat(limiter.currentRate(300)).isEqualTo(10);

        assertThat(limiter.onAnswer(5_500, true)).as("3 of the last 20").isTrue();
        assertThat(limiter.currentRate(5_500)).isCloseTo(7, within(1e-9));
        assertThat(limiter.onAnswer(5_600, true)).isFalse();
        assertThat(limiter.onAnswer(5_700, true)).isFalse();
        assertThat(limiter.onAnswer(5_800, true)).as("a storm: fresh evidence of three after a cut").isTrue();
        assertThat(limiter.currentRate(5_800)).isCloseTo(4.9, within(1e-9));

        assertThat(limiter.currentRate(10_700)).as("not a full quiet window yet").isCloseTo(4.9, within(1e-9));
        assertThat(limiter.currentRate(10_800)).isCloseTo(5.9, within(1e-9));
        assertThat(limiter.currentRate(25_800)).isCloseTo(8.9, within(1e-9));
        assertThat(limiter.currentRate(100_000)).as("never above the configured rate").isEqualTo(10);
    }

    @Test
    void twoUnluckyAnswersAmongTheFirstFewDoNotCutTheRate() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 1, 5_000, 0);
        for (int i = 0; i < 8; i++) {
            limiter.onAnswer(i * 200L, i == 3 || i == 6);
        }
        assertThat(limiter.currentRate(1_600)).isEqualTo(5);
    }

    /** Takes a slot when there is one (0), else says how long until there is. */
    private static long tryAcquire(AdaptiveRateLimiter limiter, long now) {
        long wait = limiter.millisUntilFree(now);
        if (wait == 0) {
            limiter.take(now);
        }
        return wait;
    }
}
