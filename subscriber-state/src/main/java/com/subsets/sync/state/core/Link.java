package com.subsets.sync.state.core;

import com.subsets.sync.model.FieldFact;
import java.time.Instant;

/**
 * One side of a link between a userId and an e-mail of a tenant: the identifier at the other end, and the event
 * (its time, its offset) that made the link or confirmed it last. Links are ordered as facts are.
 */
public record Link(String other, Instant occurredAt, long offset) {

    /** True when an event at {@code otherOccurredAt} and {@code otherOffset} is newer than this link. */
    public boolean isOlderThan(Instant otherOccurredAt, long otherOffset) {
        return FieldFact.isBefore(occurredAt, offset, otherOccurredAt, otherOffset);
    }
}
