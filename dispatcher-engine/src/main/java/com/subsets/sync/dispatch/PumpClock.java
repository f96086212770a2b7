package com.subsets.sync.dispatch;

import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;

/**
 * When the send loop pumps: every {@link #BUSY_MILLIS} while any budget has work, every {@link #IDLE_MILLIS} while none
 * has, and at once when a quiet budget wakes (its first row). A replica whose tenants are all quiet so wakes ten times
 * a second instead of a hundred (bench/tenants.sh, idle case), and a row that wakes it waits no longer than before.
 * Runs on the engine's event loop, as everything it is called from.
 */
final class PumpClock {

    static final long BUSY_MILLIS = 10;
    static final long IDLE_MILLIS = 100;

    private final Vertx vertx;
    private final Runnable pump;
    private final BooleanSupplier busy;
    private long timer = -1;
    /** When the next pump is due, in System.nanoTime() terms. */
    private long dueNanos;
    private boolean stopped;

    PumpClock(Vertx vertx, Runnable pump, BooleanSupplier busy) {
        this.vertx = vertx;
        this.pump = pump;
        this.busy = busy;
    }

    void start() {
        schedule(BUSY_MILLIS);
    }

    /** A budget has work again: pump within {@link #BUSY_MILLIS}, not at the end of an idle wait. */
    void wake() {
        if (!stopped && dueNanos - System.nanoTime() > BUSY_MILLIS * 1_000_000) {
            vertx.cancelTimer(timer);
            schedule(1);
        }
    }

    void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
    }

    private void schedule(long delayMillis) {
        dueNanos = System.nanoTime() + delayMillis * 1_000_000;
        timer = vertx.setTimer(delayMillis, t -> {
            if (stopped) {
                return;
            }
            pump.run();
            schedule(busy.getAsBoolean() ? BUSY_MILLIS : IDLE_MILLIS);
        });
    }
}
