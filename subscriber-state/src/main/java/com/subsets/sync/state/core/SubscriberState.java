package com.subsets.sync.state.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.FieldMemory;
import com.subsets.sync.model.FieldValue;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * One subscriber's current five fields, each with the fact that set it. An event applies field by field, and
 * only where it is newer than what the field holds (by event time, then offset), so events that arrive out
 * of order, are replayed or are delivered twice can never put an older value back. Every fact, newest or not,
 * is also folded into the field's {@link FieldMemory} (its first value and the distinct values held), which the
 * write modes other than {@code set_or_clear} deliver: an older fact arriving late can still be the first value.
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
            String value = entry.getValue().isClear() ? null : entry.getValue().value();
            FieldMemory before = current == null ? FieldMemory.EMPTY : current.history();
            // Every fact teaches the memory (an older one may be the first value), whether or not it is the newest.
            FieldMemory memory = before.with(value, event.occurredAt(), offset);
            if (current != null && !current.isOlderThan(event.occurredAt(), offset)) {
                if (memory != before) {
                    newer = true;
                    changed |= !memory.sameValuesAs(before);
                    fields.put(entry.getKey(), new FieldFact(current.value(), current.occurredAt(), current.offset(),
                            current.eventId(), memory));
                }
                continue;
            }
            newer = true;
            changed |= current == null || !Objects.equals(current.value(), value) || !memory.sameValuesAs(before);
            fields.put(entry.getKey(), new FieldFact(value, event.occurredAt(), offset, event.eventId(), memory));
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
            if (current == null) {
                fields.put(entry.getKey(), fact);
                changed = true;
                continue;
            }
            FieldMemory memory = current.history().merge(fact.history());
            changed |= !memory.sameValuesAs(current.history());
            if (current.isOlderThan(fact.occurredAt(), fact.offset())) {
                changed |= !Objects.equals(current.value(), fact.value());
                fields.put(entry.getKey(), new FieldFact(fact.value(), fact.occurredAt(), fact.offset(), fact.eventId(), memory));
            } else {
                fields.put(entry.getKey(), new FieldFact(current.value(), current.occurredAt(), current.offset(),
                        current.eventId(), memory));
            }
        }
        return changed;
    }
}
