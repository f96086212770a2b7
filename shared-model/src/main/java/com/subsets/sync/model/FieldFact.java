package com.subsets.sync.model;

import java.time.Instant;

/**
 * What one field holds and the fact that set it: its value ({@code null} when the field was cleared), when
 * that happened ({@code occurredAt} of the event), the event's offset in its partition (which breaks ties
 * between events of the same instant: a tenant's events share one partition, so offsets order them), and
 * the event's id.
 */
public record FieldFact(String value, Instant occurredAt, long offset, String eventId) {

    /** True when an event at {@code occurredAt} and {@code offset} is newer than this fact: later, or as late and after it. */
    public boolean isOlderThan(Instant otherOccurredAt, long otherOffset) {
        return isBefore(occurredAt, offset, otherOccurredAt, otherOffset);
    }

    /** The order of facts (and of identity links): by event time, then by offset. */
    public static boolean isBefore(Instant occurredAt, long offset, Instant otherOccurredAt, long otherOffset) {
        int byTime = occurredAt.compareTo(otherOccurredAt);
        return byTime < 0 || byTime == 0 && offset < otherOffset;
    }
}
