package com.subsets.sync.model;

import java.time.Instant;

/**
 * What one field holds and the fact that set it: its value ({@code null} when the field was cleared), when
 * that happened ({@code occurredAt} of the event), the event's offset in its partition (which breaks ties
 * between events of the same instant: a tenant's events share one partition, so offsets order them), and
 * the event's id; and what the field ever held ({@link FieldMemory}: its first value and the distinct values
 * seen), which the write modes other than {@code set_or_clear} are written from.
 *
 * <p>{@code memory} is null when it says no more than the current fact does (first = current, seen = [current];
 * nothing for a cleared field): that is also what a record written before the memory existed means, and what the
 * codec leaves out, so the common record costs nothing more to write or read.
 */
public record FieldFact(String value, Instant occurredAt, long offset, String eventId, FieldMemory memory) {

    public FieldFact {
        if (memory != null && memory.equals(FieldMemory.of(value, occurredAt, offset))) {
            memory = null;
        }
    }

    /** A fact whose memory is itself (first = current, seen = [current]). */
    public FieldFact(String value, Instant occurredAt, long offset, String eventId) {
        this(value, occurredAt, offset, eventId, null);
    }

    /** What the field ever held: the stored memory, or the one the current fact alone makes. */
    public FieldMemory history() {
        return memory != null ? memory : FieldMemory.of(value, occurredAt, offset);
    }

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
