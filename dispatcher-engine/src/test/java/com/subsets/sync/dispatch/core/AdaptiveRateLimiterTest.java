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
    void onceTheVendorRefusedOneAnAnswerSlowerThanTheFastestByMoreThanTheMarginHoldsTheRequestAWindowAfterIt() {
        // 5 requests/s paced at 97.5 %: 5 in any 1,026 ms, a 26 ms margin over the vendor's second.
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 0.975, 10_000, 0);
        limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 0, true);
        long[] tickets = new long[5];
        for (int i = 0; i < 5; i++) {
            assertThat(limiter.millisUntilFree(i * 206L)).isZero();
            tickets[i] = limiter.take(i * 206L);
        }
        limiter.onAnswer(tickets[1], 206 + 5, false);
        limiter.onAnswer(tickets[2], 412 + 6, false);
        limiter.onAnswer(tickets[3], 618 + 25, false);
        assertThat(limiter.millisUntilFree(1_026)).as("a little slower than the fastest: within the margin").isZero();
        // The first request answered 80 ms after its grant, 75 ms slower than the fastest: the vendor may
        // have counted it as late as 75 ms after the grant.
        limiter.onAnswer(tickets[0], 80, false);
        assertThat(limiter.millisUntilFree(1_026)).as("a vendor's second after 75 ms, plus a millisecond, rounded up")
                .isEqualTo(51);
        assertThat(limiter.millisUntilFree(1_077)).isZero();
    }

    @Test
    void slowAnswersMoveNothingWhileTheVendorHasNotRefusedARequestForTenMinutes() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 0.975, 10_000, 0);
        limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 0, true);
        long start = AdaptiveRateLimiter.PLACING_MILLIS;
        long first = limiter.take(start);
        limiter.onAnswer(first, start + 300, false);
        for (long now = start + 206; now <= start + 824; now += 206) {
            assertThat(limiter.millisUntilFree(now)).isZero();
            limiter.take(now);
        }
        assertThat(limiter.millisUntilFree(start + 1_026)).as("a latency that varies is not lateness to a lenient vendor").isZero();
    }

    @Test
    void aRefusedRequestLeavesTheWindowTheVendorDidNotCountIt() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 1, 10_000, 0);
        long refused = limiter.take(0);
        for (long now = 200; now <= 800; now += 200) {
            assertThat(limiter.millisUntilFree(now)).isZero();
            limiter.take(now);
        }
        assertThat(limiter.millisUntilFree(800)).as("five in the window").isEqualTo(200);
        limiter.onAnswer(refused, 805, true);
        assertThat(limiter.millisUntilFree(900)).as("four counted: the next goes once half an interval passed").isZero();
    }

    @Test
    void answersOnlyMovePlacesLaterAndIgnoreRequestsThatLeftTheWindow() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 0.975, 10_000, 0);
        long first = limiter.take(0);
        limiter.onAnswer(first, 3, false);
        limiter.onAnswer(first, 2, false);
        assertThat(limiter.millisUntilFree(206)).isZero();
        for (long now = 206; now <= 1_030; now += 206) {
            assertThat(limiter.millisUntilFree(now)).as("the answers moved nothing").isZero();
            limiter.take(now);
        }
        limiter.onAnswer(first, 5_000, false);
        assertThat(limiter.millisUntilFree(1_236)).as("the first request's place was already taken by the sixth").isZero();
    }

    @Test
    void placedByAnswersAfterTheFirstRefusalNoVendorSecondCountsTooManyEvenWhenRequestsArriveLate() {
        // A vendor counting 5 in any 1,000 ms at arrival; requests arrive 1-4 ms after their grant, and
        // one in 20 after a pause of 30-150 ms (a collector's, on either side); answers come 5 ms later.
        for (boolean placed : new boolean[] {false, true}) {
            AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(5, 0.975, 10_000, 0);
            java.util.Random random = new java.util.Random(11);
            java.util.Deque<Long> counted = new java.util.ArrayDeque<>();
            // {time, ticket, throttled}: requests on their way, then answers on theirs.
            java.util.PriorityQueue<long[]> arriving = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(a -> a[0]));
            java.util.PriorityQueue<long[]> answers = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong(a -> a[0]));
            int refused = 0;
            long firstRefusal = Long.MAX_VALUE;
            int admitted = 0;
            for (long now = 0; now < 120_000; now++) {
                while (!arriving.isEmpty() && arriving.peek()[0] <= now) {
                    long[] request = arriving.poll();
                    while (!counted.isEmpty() && counted.peekFirst() <= now - 1_000) {
                        counted.pollFirst();
                    }
                    boolean throttled = counted.size() >= 5;
                    if (throttled) {
                        refused++;
                        firstRefusal = Math.min(firstRefusal, now);
                    } else {
                        counted.addLast(now);
                        admitted++;
                    }
                    answers.add(new long[] {now + 5, request[1], throttled ? 1 : 0});
                }
                while (!answers.isEmpty() && answers.peek()[0] <= now) {
                    long[] answer = answers.poll();
                    boolean throttled = answer[2] == 1;
                    limiter.onAnswer(placed ? answer[1] : AdaptiveRateLimiter.NO_TICKET, now, throttled);
                }
                if (limiter.millisUntilFree(now) == 0) {
                    long ticket = limiter.take(now);
                    long delay = 1 + random.nextInt(4) + (random.nextInt(20) == 0 ? 30 + random.nextInt(121) : 0);
                    arriving.add(new long[] {now + delay, ticket});
                }
            }
            assertThat(firstRefusal).as("pacing alone lets a late arrival through").isLessThan(20_000);
            if (placed) {
                assertThat(refused).as("then placed by their answers").isEqualTo(1);
                assertThat(admitted / 120.0).as("and the budget is still used").isGreaterThan(4.8);
            } else {
                assertThat(refused).as("by grants alone the late arrivals put a sixth in some vendor second").isPositive();
            }
        }
    }

    @Test
    void aLone429OnlyPausesButSustainedThrottlingCutsFastAndRecoversSlowly() {
        AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(10, 1, 5_000, 0);
        for (int i = 0; i < 20; i++) {
            limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 100 + i, false);
        }
        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 200, true)).as("1 of the last 20 answers").isFalse();
        assertThat(limiter.currentRate(200)).isEqualTo(10);
        assertThat(tryAcquire(limiter, 200)).as("the window alone spaces the next request").isZero();
        assertThat(tryAcquire(limiter, 200)).isEqualTo(50);
        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 300, true)).as("2 of the last 20: 10 %, not over it").isFalse();
        assertThat(limiter.currentRate(300)).isEqualTo(10);

        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 5_500, true)).as("3 of the last 20").isTrue();
        assertThat(limiter.currentRate(5_500)).isCloseTo(7, within(1e-9));
        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 5_600, true)).isFalse();
        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 5_700, true)).isFalse();
        assertThat(limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, 5_800, true)).as("a storm: fresh evidence of three after a cut").isTrue();
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
            limiter.onAnswer(AdaptiveRateLimiter.NO_TICKET, i * 200L, i == 3 || i == 6);
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
