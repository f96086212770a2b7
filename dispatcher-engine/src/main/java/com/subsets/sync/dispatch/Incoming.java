package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.LaneBuffer;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;

/** A record the engine took, understood: an assignment event, or a subscriber's whole state. */
sealed interface Incoming {

    String tenantId();

    Subscriber subscriber();

    /** Folds it into the lane's buffer for subscriber {@code key}; true when it joined a pending row. */
    boolean addTo(LaneBuffer buffer, String key, SourceRecord source, long nowMillis);

    /** Folds it into a row of its own (a parked lane's probe). */
    void mergeInto(SubscriberUpdate row, SourceRecord source);

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
}
