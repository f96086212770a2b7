package com.subsets.sync.dispatch;

import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Topics;
import java.util.Locale;

/**
 * What a dispatcher consumes: the assignment events themselves, or each subscriber's current state as the
 * subscriber-state service writes it (then every request carries current values, and a redelivered,
 * replayed or backfilled record can never put an older value back).
 */
public enum InputFormat {
    EVENTS(Topics.ASSIGNMENT_EVENTS),
    STATE(Topics.SUBSCRIBER_STATE);

    /** A record understood, or why not (a dead-letter reason and its detail). */
    record Decoded(Incoming incoming, String reason, String detail) {
    }

    final String defaultTopic;

    InputFormat(String defaultTopic) {
        this.defaultTopic = defaultTopic;
    }

    /**
     * A state-topic tombstone: with the {@link Erasure#HEADER} header, the erasure it carries (or why it cannot be
     * read); without, null (a state merged into another key: nothing to deliver).
     */
    static Decoded tombstone(java.util.Map<String, byte[]> headers) {
        byte[] header = headers.get(Erasure.HEADER);
        if (header == null) {
            return null;
        }
        try {
            return new Decoded(new Incoming.Erase(Erasure.decode(header)), null, null);
        } catch (IllegalArgumentException e) {
            return new Decoded(null, "invalid_erasure", "the " + Erasure.HEADER + " header: " + e.getMessage());
        }
    }

    Decoded decode(EventCodec codec, byte[] bytes) {
        if (this == EVENTS) {
            DecodeResult decoded = codec.decode(bytes);
            return decoded.isValid() ? new Decoded(new Incoming.Event(decoded.event()), null, null)
                    : new Decoded(null, decoded.failure().name().toLowerCase(Locale.ROOT), decoded.describe());
        }
        try {
            return new Decoded(new Incoming.State(StateRecordCodec.decode(bytes)), null, null);
        } catch (IllegalArgumentException e) {
            return new Decoded(null, "invalid_state", e.getMessage());
        }
    }
}
