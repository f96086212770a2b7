package com.subsets.sync.model;

import com.dynatrace.hash4j.distinctcount.UltraLogLog;
import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;

/**
 * An estimate of how many distinct subscribers were updated: an UltraLogLog sketch (hash4j) of precision
 * {@value #PRECISION}, {@value #STATE_BYTES} bytes whatever the count, mergeable (the union of two sketches is the
 * sketch of the union), so a day's or an all-time count is the merge of every report's sketch. Relative standard
 * error about {@value #RELATIVE_STANDARD_ERROR} (0.782 / sqrt(4096)); small counts (a few hundred) come out exact
 * or within one. A subscriber is its state key: its userId when it has one, else its e-mail.
 */
public final class UniqueSubscribers {

    public static final int PRECISION = 12;
    public static final int STATE_BYTES = 1 << PRECISION;
    public static final double RELATIVE_STANDARD_ERROR = 0.012;
    private static final Hasher64 HASHER = Hashing.komihash5_0();

    private final UltraLogLog sketch;

    private UniqueSubscribers(UltraLogLog sketch) {
        this.sketch = sketch;
    }

    public static UniqueSubscribers empty() {
        return new UniqueSubscribers(UltraLogLog.create(PRECISION));
    }

    /** A sketch from its state; null or empty bytes are the empty sketch. @throws IllegalArgumentException on another size */
    public static UniqueSubscribers of(byte[] state) {
        if (state == null || state.length == 0) {
            return empty();
        }
        if (state.length != STATE_BYTES) {
            throw new IllegalArgumentException("a unique-subscribers sketch has " + STATE_BYTES + " bytes, not " + state.length);
        }
        return new UniqueSubscribers(UltraLogLog.wrap(state.clone()));
    }

    public UniqueSubscribers add(Subscriber subscriber) {
        sketch.add(hash(subscriber));
        return this;
    }

    public UniqueSubscribers add(UniqueSubscribers other) {
        sketch.add(other.sketch);
        return this;
    }

    public boolean isEmpty() {
        return sketch.isEmpty();
    }

    public long estimate() {
        return Math.round(sketch.getDistinctCountEstimate());
    }

    public byte[] state() {
        return sketch.getState().clone();
    }

    /** The state key's identifier, tagged so that a userId and an e-mail with the same text are two subscribers. */
    static long hash(Subscriber subscriber) {
        return subscriber.userId() != null ? HASHER.hashCharsToLong("u\u001F" + subscriber.userId())
                : HASHER.hashCharsToLong("e\u001F" + subscriber.email());
    }
}
