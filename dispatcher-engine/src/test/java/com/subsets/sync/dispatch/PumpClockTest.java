package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The send loop's pace: fast while a budget has work, slow while none has, fast again at once when one wakes. */
class PumpClockTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void pumpsTenTimesLessOftenWhileNothingIsActive() throws Exception {
        AtomicBoolean busy = new AtomicBoolean(true);
        List<Long> pumps = new CopyOnWriteArrayList<>();
        PumpClock clock = new PumpClock(vertx, () -> pumps.add(System.nanoTime()), busy::get);
        vertx.runOnContext(v -> clock.start());
        Thread.sleep(1_000);
        int busyPumps = pumps.size();
        busy.set(false);
        Thread.sleep(200);
        pumps.clear();
        Thread.sleep(2_000);
        int idlePumps = pumps.size();
        vertx.runOnContext(v -> clock.stop());
        // About 100 a second busy, 10 idle: counts, not timings, with room for a slow machine.
        assertThat(busyPumps).isGreaterThan(40);
        assertThat(idlePumps).isBetween(5, 30);
    }

    @Test
    void aWakeDuringTheIdleWaitPumpsAtOnce() throws Exception {
        List<Long> gaps = new CopyOnWriteArrayList<>();
        AtomicReference<PumpClock> clock = new AtomicReference<>();
        AtomicReference<Long> wokenAt = new AtomicReference<>();
        clock.set(new PumpClock(vertx, () -> {
            Long woken = wokenAt.getAndSet(null);
            if (woken != null) {
                gaps.add((System.nanoTime() - woken) / 1_000_000);
            }
        }, () -> false));
        vertx.runOnContext(v -> clock.get().start());
        for (int i = 0; i < 5; i++) {
            Thread.sleep(150);
            // Woken on the event loop, as the lanes wake it, some time into an idle wait of 100 ms.
            vertx.runOnContext(v -> {
                wokenAt.set(System.nanoTime());
                clock.get().wake();
            });
        }
        Thread.sleep(300);
        vertx.runOnContext(v -> clock.get().stop());
        assertThat(gaps).hasSize(5);
        // Without the wake each would wait out the rest of its 100 ms (50 on average); with it, about a millisecond.
        assertThat(gaps.stream().sorted().toList().get(2)).isLessThan(25L);
    }
}
