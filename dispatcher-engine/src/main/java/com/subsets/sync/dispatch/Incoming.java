package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.LaneBuffer;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;

/** A record the engine took, understood: an assignment event, a subscriber's whole state, or an erasure. */
sealed interface Incoming {

    String tenantId();

    Subscriber subscriber();

    /** Folds it into the lane's buffer for subscriber {@code key}; true when it joined a pending row. */
    boolean addTo(LaneBuffer buffer, String key, SourceRecord source, long nowMillis);

    /** Folds it into a row of its own (a parked lane's probe). */
    void mergeInto(SubscriberUpdate row, SourceRecord source);

    /** The erasure it asks for (a {@code subscriber.erased} event, an erasure tombstone), or null. */
    default Erasure erasure() {
        return null;
    }

    record Event(AssignmentEvent event) implements Incoming {
        @Override
        public String tenantId() {
            return event.tenantId();
        }

        @Override
        public Subscriber subscriber() {
            return event.subscriber();
        }

        @Override
        public boolean addTo(LaneBuffer buffer, String key, SourceRecord source, long nowMillis) {
            return buffer.add(key, event, source, nowMillis);
        }

        @Override
        public void mergeInto(SubscriberUpdate row, SourceRecord source) {
            row.merge(event, source);
        }

        @Override
        public Erasure erasure() {
            return event.type() == EventType.ERASED ? Erasure.of(event) : null;
        }
    }

    record State(StateRecord state) implements Incoming {
        @Override
        public String tenantId() {
            return state.tenantId();
        }

        @Override
        public Subscriber subscriber() {
            return state.subscriber();
        }

        @Override
        public boolean addTo(LaneBuffer buffer, String key, SourceRecord source, long nowMillis) {
            return buffer.add(key, state, source, nowMillis);
        }

        @Override
        public void mergeInto(SubscriberUpdate row, SourceRecord source) {
            row.merge(state, source);
        }
    }

    /** A state-topic tombstone with the {@link Erasure#HEADER} header: the subscriber it names is to be erased. */
    record Erase(Erasure erasure) implements Incoming {
        @Override
        public String tenantId() {
            return erasure.tenantId();
        }

        @Override
        public Subscriber subscriber() {
            return erasure.subscriber();
        }

        @Override
        public boolean addTo(LaneBuffer buffer, String key, SourceRecord source, long nowMillis) {
            return buffer.add(key, erasure, source, nowMillis);
        }

        @Override
        public void mergeInto(SubscriberUpdate row, SourceRecord source) {
            row.merge(erasure, source);
        }
    }
}
