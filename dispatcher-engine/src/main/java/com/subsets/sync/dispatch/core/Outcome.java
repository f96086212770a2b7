package com.subsets.sync.dispatch.core;

/**
 * What became of a row at the destination. {@code reason} is a stable label (metrics, dead-letter
 * header); {@code detail} is the destination's own text.
 */
public record Outcome(Kind kind, String reason, String detail) {

    public enum Kind {
        /** Written (or the destination says there was nothing to change). */
        DELIVERED,
        /** May succeed later: throttled, destination busy or unreachable. */
        RETRIABLE,
        /** Will never succeed as it is: goes to the dead-letter topic with the reason. */
        PERMANENT,
        /** Rightly not written (e.g. the subscriber withheld consent): resolved and counted, not dead-lettered. */
        SKIPPED
    }

    public static final Outcome DELIVERED = new Outcome(Kind.DELIVERED, "delivered", "");
    /** An erase row done: the five fields cleared at the vendor. */
    public static final Outcome CLEARED = new Outcome(Kind.DELIVERED, "cleared", "");
    /** An erase row done: the profile deleted at the vendor. */
    public static final Outcome DELETED = new Outcome(Kind.DELIVERED, "deleted", "");
    /** An erase row with nothing to do: the vendor has no such subscriber (nothing is created to clear it). */
    public static final Outcome NOT_FOUND = new Outcome(Kind.SKIPPED, "not_found", "the destination has no such subscriber");

    public static Outcome retriable(String reason, String detail) {
        return new Outcome(Kind.RETRIABLE, reason, detail);
    }

    public static Outcome permanent(String reason, String detail) {
        return new Outcome(Kind.PERMANENT, reason, detail);
    }

    public static Outcome skipped(String reason, String detail) {
        return new Outcome(Kind.SKIPPED, reason, detail);
    }
}
