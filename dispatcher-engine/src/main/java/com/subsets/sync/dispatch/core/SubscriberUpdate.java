package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every pending change to one subscriber in one lane, coalesced: for each field, the value of the
 * latest event by event time, then offset. It carries all the records it was made of, which are
 * resolved together when the row is delivered or dead-lettered.
 */
public final class SubscriberUpdate {

    private record Stamped(FieldValue value, Instant occurredAt, long offset) {
        boolean isNotNewerThan(Instant otherTime, long otherOffset) {
            int byTime = occurredAt.compareTo(otherTime);
            return byTime < 0 || (byTime == 0 && offset <= otherOffset);
        }
    }

    private final String key;
    private String tenantId;
    private Subscriber identity;
    private Instant identityAt;
    private final Map<DestinationField, Stamped> fields = new EnumMap<>(DestinationField.class);
    private final List<SourceRecord> sources = new ArrayList<>(1);

    public SubscriberUpdate(String key) {
        this.key = key;
    }

    /** Folds one event in; returns true if this row already had records (the event was coalesced). */
    public boolean merge(AssignmentEvent event, SourceRecord source) {
        boolean coalesced = !sources.isEmpty();
        sources.add(source);
        tenantId = event.tenantId();
        if (identity == null || !event.occurredAt().isBefore(identityAt)) {
            identity = event.subscriber();
            identityAt = event.occurredAt();
        }
        FieldMapper.fieldsOf(event).forEach((field, value) -> {
            Stamped current = fields.get(field);
            if (current == null || current.isNotNewerThan(event.occurredAt(), source.offset())) {
                fields.put(field, new Stamped(value, event.occurredAt(), source.offset()));
            }
        });
        return coalesced;
    }

    /**
     * Folds a subscriber's whole state in (from {@code subsets.subscriber-state.v1}): each field with the time and
     * events-topic offset of the fact that set it, so a state and an event, or two states, coalesce as events do.
     */
    public boolean merge(StateRecord state, SourceRecord source) {
        boolean coalesced = !sources.isEmpty();
        sources.add(source);
        tenantId = state.tenantId();
        Instant newest = state.fields().values().stream().map(FieldFact::occurredAt).max(Instant::compareTo).orElse(Instant.EPOCH);
        if (identity == null || !newest.isBefore(identityAt)) {
            identity = state.subscriber();
            identityAt = newest;
        }
        state.fields().forEach((field, fact) -> {
            Stamped current = fields.get(field);
            if (current == null || current.isNotNewerThan(fact.occurredAt(), fact.offset())) {
                fields.put(field, new Stamped(fact.value() == null ? FieldValue.CLEAR : FieldValue.set(fact.value()),
                        fact.occurredAt(), fact.offset()));
            }
        });
        return coalesced;
    }

    /** Folds a row back in (after a retriable failure), keeping whichever value of each field is newer. */
    public void absorb(SubscriberUpdate other) {
        other.fields.forEach((field, stamped) -> {
            Stamped current = fields.get(field);
            if (current == null || current.isNotNewerThan(stamped.occurredAt(), stamped.offset())) {
                fields.put(field, stamped);
            }
        });
        if (identity == null || (other.identityAt != null && other.identityAt.isAfter(identityAt))) {
            identity = other.identity;
            identityAt = other.identityAt;
        }
        sources.addAll(other.sources);
    }

    /** The same values without the records they came from (a parked lane's probe). */
    public SubscriberUpdate withoutSources() {
        SubscriberUpdate copy = new SubscriberUpdate(key);
        copy.tenantId = tenantId;
        copy.identity = identity;
        copy.identityAt = identityAt;
        copy.fields.putAll(fields);
        return copy;
    }

    /** The tenant of the latest event folded in (tenants sharing a lane may share a subscriber). */
    public String tenantId() {
        return tenantId;
    }

    public String key() {
        return key;
    }

    public Subscriber identity() {
        return identity;
    }

    /** The coalesced field values to write. */
    public Map<DestinationField, FieldValue> fields() {
        Map<DestinationField, FieldValue> values = new EnumMap<>(DestinationField.class);
        fields.forEach((field, stamped) -> values.put(field, stamped.value()));
        return Collections.unmodifiableMap(values);
    }

    public List<SourceRecord> sources() {
        return Collections.unmodifiableList(sources);
    }

    /** A rough size of the row in a request body, for the byte limit. */
    public int estimatedBytes() {
        int size = 64 + key.length();
        for (Stamped s : fields.values()) {
            size += 48 + (s.value().isClear() ? 4 : s.value().value().length());
        }
        return size;
    }
}
