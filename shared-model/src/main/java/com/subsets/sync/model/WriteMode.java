package com.subsets.sync.model;

import java.util.Locale;

/**
 * How a destination's field is written (issue 28), as BlueConic's own connections offer it. Each is computed from
 * the subscriber's state ({@link FieldFact} and its {@link FieldMemory}), so it holds across batches, retries,
 * backfills and replays.
 */
public enum WriteMode {
    /** The newest value; cleared when the subscriber leaves the experiment (the default, and the only mode before). */
    SET_OR_CLEAR,
    /** The newest value ever held, never cleared: the vendor keeps the last experiment after an unassignment. */
    SET,
    /** The first value the field ever held, never overwritten, never cleared. */
    SET_IF_EMPTY,
    /** Every distinct value held, a list of at most {@link FieldMemory#MAX_VALUES}, never cleared. */
    ADD;

    private static final WriteMode[] ALL = values();

    /** {@code set_or_clear}, {@code set}, {@code set_if_empty}, {@code add}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of this wire name, or null. */
    public static WriteMode byWireName(String name) {
        for (WriteMode mode : ALL) {
            if (mode.wireName().equals(name)) {
                return mode;
            }
        }
        return null;
    }

    /** The wire names, for messages: {@code set_or_clear, set, set_if_empty, add}. */
    public static String wireNames() {
        StringBuilder names = new StringBuilder();
        for (WriteMode mode : ALL) {
            names.append(names.length() == 0 ? "" : ", ").append(mode.wireName());
        }
        return names.toString();
    }
}
