package com.subsets.sync.state.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.FieldValue;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One subscriber's current five fields, each with the fact that set it. An event applies field by field, and
 * only where it is newer than what the field holds (by event time, then offset), so events that arrive out
 * of order, are replayed or are delivered twice can never put an older value back.
 */
public final class SubscriberState {

    /** What an event did to the state. */
    public enum Applied {
        /** At least one field's value changed: the new state is worth writing. */
        CHANGED,
        /** Newer facts, same values (e.g. the same score again): kept, nothing to write. */
        REFRESHED,
        /** Every field it names holds a newer fact already. */
        STALE,
        /** The very event that set every field it names, again. */
        DUPLICATE
    }

    private final Map<DestinationField, FieldFact> fields;

    public SubscriberState() {
        this(new EnumMap<>(DestinationField.class));
    }

    SubscriberState(Map<DestinationField, FieldFact> fields) {
        this.fields = fields.isEmpty() ? new EnumMap<>(DestinationField.class) : new EnumMap<>(fields);
    }

    public static SubscriberState of(Map<DestinationField, FieldFact> fields) {
        return new SubscriberState(fields);
    }

    public Map<DestinationField, FieldFact> fields() {
        return Collections.unmodifiableMap(fields);
    }

    public Applied apply(AssignmentEvent event, long offset) {
        Map<DestinationField, FieldValue> named = FieldMapper.fieldsOf(event);
        if (named.keySet().stream().allMatch(f -> fields.containsKey(f) && fields.get(f).eventId().equals(event.eventId()))) {
            return Applied.DUPLICATE;
        }
        boolean newer = false;
        boolean changed = false;
        for (Map.Entry<DestinationField, FieldValue> entry : named.entrySet()) {
            FieldFact current = fields.get(entry.getKey());
            if (current != null && !current.isOlderThan(event.occurredAt(), offset)) {
                continue;
            }
            String value = entry.getValue().isClear() ? null : entry.getValue().value();
            newer = true;
            changed |= current == null || !Objects.equals(current.value(), value);
            fields.put(entry.getKey(), new FieldFact(value, event.occurredAt(), offset, event.eventId()));
        }
        return changed ? Applied.CHANGED : newer ? Applied.REFRESHED : Applied.STALE;
    }

    /**
     * Takes in another state of the same subscriber (one kept under another of its identifiers), field by field,
     * each field's newest fact winning as if its event had been applied here. True when a value changed.
     */
    public boolean merge(Map<DestinationField, FieldFact> other) {
        boolean changed = false;
        for (Map.Entry<DestinationField, FieldFact> entry : other.entrySet()) {
            FieldFact current = fields.get(entry.getKey());
            FieldFact fact = entry.getValue();
            if (current == null || current.isOlderThan(fact.occurredAt(), fact.offset())) {
                changed |= current == null || !Objects.equals(current.value(), fact.value());
                fields.put(entry.getKey(), fact);
            }
        }
        return changed;
    }
}
