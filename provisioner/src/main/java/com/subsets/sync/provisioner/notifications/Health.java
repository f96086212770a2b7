package com.subsets.sync.provisioner.notifications;

/**
 * A destination's health as last notified, what is observed about it, and which notice a change sends. Pure: the
 * outbox applies {@link #after} under a row lock, so each change is notified once whichever replica observes it.
 */
public enum Health {
    /** Nothing notified yet: a new registration. */
    NEW, HEALTHY, FAILED, DEGRADED;

    /** What a provisioning run or a dispatcher reported. */
    public enum Observation {
        /** A provisioning run ended READY. */
        READY,
        /** A provisioning run ended FAILED. */
        FAILED,
        /** The destination's dispatcher lane parked: the vendor keeps failing. */
        PARKED,
        /** The parked lane's vendor answers again. */
        UNPARKED
    }

    /** The health after {@code observation}, and the notice it sends (null: none). */
    public record Transition(Health next, NoticeType notice) {
    }

    public Transition after(Observation observation) {
        return switch (observation) {
            case FAILED -> this == FAILED ? stay() : new Transition(FAILED, NoticeType.FAILED);
            case PARKED -> this == DEGRADED ? stay() : new Transition(DEGRADED, NoticeType.DEGRADED);
            case READY -> switch (this) {
                case FAILED -> new Transition(HEALTHY, NoticeType.RECOVERED);
                case NEW -> new Transition(HEALTHY, null);
                // Still parked: READY provisioning of a new revision is no recovery of the lane.
                case HEALTHY, DEGRADED -> stay();
            };
            case UNPARKED -> switch (this) {
                case DEGRADED -> new Transition(HEALTHY, NoticeType.RECOVERED);
                case NEW -> new Transition(HEALTHY, null);
                case HEALTHY, FAILED -> stay();
            };
        };
    }

    private Transition stay() {
        return new Transition(this, null);
    }
}
