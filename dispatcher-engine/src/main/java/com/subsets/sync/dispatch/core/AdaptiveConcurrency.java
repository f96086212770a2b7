package com.subsets.sync.dispatch.core;

/**
 * How many requests a lane may have in flight: it starts at a configured level, grows by one after
 * each run of {@code current} unthrottled answers (so growth slows as it rises), never past the
 * configured maximum, and halves on a 429. BlueConic documents a concurrency limit but no number, so the lane finds it.
 */
public final class AdaptiveConcurrency {

    private final int maximum;
    private int current;
    private int cleanAnswers;

    public AdaptiveConcurrency(int initial, int maximum) {
        if (initial < 1 || maximum < initial) {
            throw new IllegalArgumentException("need 1 <= initial <= maximum, got " + initial + " and " + maximum);
        }
        this.current = initial;
        this.maximum = maximum;
    }

    public int current() {
        return current;
    }

    public void answered(boolean throttled) {
        if (throttled) {
            current = Math.max(1, current / 2);
            cleanAnswers = 0;
            return;
        }
        if (++cleanAnswers >= current && current < maximum) {
            current++;
            cleanAnswers = 0;
        }
    }
}
