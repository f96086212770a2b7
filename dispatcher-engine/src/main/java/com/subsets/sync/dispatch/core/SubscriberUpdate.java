package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldMapper;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.FieldWrite;
import com.subsets.sync.model.FieldWrites;
import com.subsets.sync.model.FieldValue;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every pending change to one subscriber in one lane, coalesced. From events: for each field, the value of the
 * latest event by event time, then offset. From subscriber states: the newest state record whole (by its offset in
 * the state topic), since a state holds every fact of its subscriber, and two states that address the same
 * destination key may be two subscribers (an e-mail moved to another userId). Its {@link #version()} is the newest
 * offset folded in, what {@link DeliveryGate} compares. It carries all the records it was made of, which are
 * resolved together when the row is delivered or dead-lettered.
 *
 * <p>An <em>erase row</em> ({@link #erasure()} set) carries out an erasure: a state-topic tombstone with the
 * {@link Erasure#HEADER} header, or a {@code subscriber.erased} event. The newest version wins either way: an erasure
 * newer than the row's pending state (or events) replaces it, a newer state (or event) replaces the erasure. Its
 * {@link #fields()} are all five CLEAR, and it writes them cleared whatever the destination's write modes.
 *
 * <p>An erasure a newer row replaced (or folded in after it, older) is not lost: the row carries it
 * ({@link #replacedErasures()}), so its outcome is the row's on the trail, and, a row of values, the row clears every
 * field it writes nothing to ({@link #writes}): the vendor holds the values from before the erasure there, which the
 * erase row would have cleared.
 */
public final class SubscriberUpdate {

    /** A field's fact: from an event, its value alone; from a state, with the field's memory (for the write modes). */
    private record Stamped(FieldFact fact) {
        boolean isNotNewerThan(Instant otherTime, long otherOffset) {
            int byTime = fact.occurredAt().compareTo(otherTime);
            return byTime < 0 || (byTime == 0 && fact.offset() <= otherOffset);
        }

        Instant occurredAt() {
            return fact.occurredAt();
        }
    }

    private final String key;
    private String tenantId;
    private Subscriber identity;
    private Instant identityAt;
    private final Map<DestinationField, Stamped> fields = new EnumMap<>(DestinationField.class);
    private final List<SourceRecord> sources = new ArrayList<>(1);
    private long version = -1;
    /** Made of state records, not events. */
    private boolean ofStates;
    /** The erasure this row carries out, while it is the newest thing folded in (null: a row of values). */
    private Erasure erasure;
    /** Erasures folded in that a newer row replaced, by id (the one the row carries out left out when reported). */
    private final Map<String, Erasure> replaced = new LinkedHashMap<>(0);
    /** Rows of events: the newest event folded in, by event time then offset (an erasure holds while it is that one). */
    private Instant newestAt;
    private long newestOffset = -1;

    public SubscriberUpdate(String key) {
        this.key = key;
    }

    /** Folds one event in; returns true if this row already had records (the event was coalesced). */
    public boolean merge(AssignmentEvent event, SourceRecord source) {
        boolean coalesced = !sources.isEmpty();
        sources.add(source);
        version = Math.max(version, source.offset());
        tenantId = event.tenantId();
        if (newestAt == null || !FieldFact.isBefore(event.occurredAt(), source.offset(), newestAt, newestOffset)) {
            newestAt = event.occurredAt();
            newestOffset = source.offset();
            replace(erasure);
            erasure = event.type() == EventType.ERASED ? Erasure.of(event) : null;
        } else if (event.type() == EventType.ERASED) {
            replace(Erasure.of(event));
        }
        if (identity == null || !event.occurredAt().isBefore(identityAt)) {
            identity = event.subscriber();
            identityAt = event.occurredAt();
        }
        FieldMapper.fieldsOf(event).forEach((field, value) -> {
            Stamped current = fields.get(field);
            if (current == null || current.isNotNewerThan(event.occurredAt(), source.offset())) {
                fields.put(field, new Stamped(new FieldFact(value.value(), event.occurredAt(), source.offset(), event.eventId())));
            }
        });
        return coalesced;
    }

    /**
     * Folds a subscriber's whole state in (from the state topic): the newest state, by its offset
     * in the state topic, is the row; an older one only adds its record, to be resolved with the row.
     */
    public boolean merge(StateRecord state, SourceRecord source) {
        boolean coalesced = !sources.isEmpty();
        sources.add(source);
        tenantId = state.tenantId();
        ofStates = true;
        if (source.offset() >= version) {
            version = source.offset();
            identity = state.subscriber();
            replace(erasure);
            erasure = null;
            fields.clear();
            state.fields().forEach((field, fact) -> fields.put(field, new Stamped(fact)));
        }
        return coalesced;
    }

    /**
     * Folds an erasure in (a state-topic tombstone with the {@link Erasure#HEADER} header): newer than the row's
     * state, it replaces it, every field cleared and the identity the erasure's (the subscriber's whole identity);
     * older, it only adds its record, to be resolved with the row.
     */
    public boolean merge(Erasure erased, SourceRecord source) {
        boolean coalesced = !sources.isEmpty();
        sources.add(source);
        tenantId = erased.tenantId();
        ofStates = true;
        if (source.offset() >= version) {
            version = source.offset();
            identity = erased.subscriber();
            replace(erasure);
            erasure = erased;
            fields.clear();
            for (DestinationField field : DestinationField.values()) {
                fields.put(field, new Stamped(new FieldFact(null, erased.erasedAt(), source.offset(), erased.erasureId())));
            }
        } else {
            // A newer row holds: the erasure's outcome is its.
            replace(erased);
        }
        return coalesced;
    }

    /**
     * Folds a row back in (after a retriable failure): of two states the newer whole, of events whichever value of
     * each field is newer.
     */
    public void absorb(SubscriberUpdate other) {
        other.replaced.values().forEach(this::replace);
        if (ofStates && other.ofStates) {
            if (other.version > version) {
                fields.clear();
                fields.putAll(other.fields);
                identity = other.identity;
                replace(erasure);
                erasure = other.erasure;
            } else {
                replace(other.erasure);
            }
        } else {
            if (other.newestAt != null && (newestAt == null
                    || FieldFact.isBefore(newestAt, newestOffset, other.newestAt, other.newestOffset))) {
                newestAt = other.newestAt;
                newestOffset = other.newestOffset;
                replace(erasure);
                erasure = other.erasure;
            } else {
                replace(other.erasure);
            }
            other.fields.forEach((field, stamped) -> {
                Stamped current = fields.get(field);
                if (current == null || current.isNotNewerThan(stamped.occurredAt(), stamped.fact().offset())) {
                    fields.put(field, stamped);
                }
            });
            if (identity == null || (other.identityAt != null && other.identityAt.isAfter(identityAt))) {
                identity = other.identity;
                identityAt = other.identityAt;
            }
        }
        version = Math.max(version, other.version);
        sources.addAll(other.sources);
    }

    /** The same values without the records they came from (a parked lane's probe). */
    public SubscriberUpdate withoutSources() {
        SubscriberUpdate copy = new SubscriberUpdate(key);
        copy.tenantId = tenantId;
        copy.identity = identity;
        copy.identityAt = identityAt;
        copy.fields.putAll(fields);
        copy.version = version;
        copy.ofStates = ofStates;
        copy.erasure = erasure;
        copy.replaced.putAll(replaced);
        copy.newestAt = newestAt;
        copy.newestOffset = newestOffset;
        return copy;
    }

    /** The tenant of the latest event folded in (tenants sharing a lane may share a subscriber). */
    public String tenantId() {
        return tenantId;
    }

    public String key() {
        return key;
    }

    /** The newest offset folded in: for rows of states, the version of the state they hold. */
    public long version() {
        return version;
    }

    public Subscriber identity() {
        return identity;
    }

    /** The erasure this row carries out, or null for a row of values. */
    public Erasure erasure() {
        return erasure;
    }

    /**
     * The erasures this row replaced (a newer state or event of the subscriber came after them, or they came after it,
     * older), but the one it carries out: each is answered with the row's outcome.
     */
    public List<Erasure> replacedErasures() {
        if (replaced.isEmpty()) {
            return List.of();
        }
        return replaced.values().stream().filter(e -> erasure == null || !e.erasureId().equals(erasure.erasureId())).toList();
    }

    /** A row of values that replaced an erasure: it clears what it writes nothing to. */
    private boolean clearsTheRest() {
        return erasure == null && !replacedErasures().isEmpty();
    }

    /** The coalesced current field values (what {@code set_or_clear} writes; a row that replaced an erasure clears the rest). */
    public Map<DestinationField, FieldValue> fields() {
        Map<DestinationField, FieldValue> values = new EnumMap<>(DestinationField.class);
        fields.forEach((field, stamped) -> values.put(field, stamped.fact().value() == null ? FieldValue.CLEAR
                : FieldValue.set(stamped.fact().value())));
        if (clearsTheRest()) {
            for (DestinationField field : DestinationField.values()) {
                values.putIfAbsent(field, FieldValue.CLEAR);
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /**
     * What the destination is written for this row under its write modes ({@link FieldWrites}: the one mapping, for
     * rows of every path). A row of events has no memory: each field's memory is its own value.
     */
    public Map<DestinationField, FieldWrite> writes(FieldModes modes) {
        if (erasure != null) {
            // An erasure clears the five fields whatever the modes: a kept value or list is what must leave.
            return Clears.theRest(Map.of());
        }
        Map<DestinationField, FieldFact> facts = new EnumMap<>(DestinationField.class);
        fields.forEach((field, stamped) -> facts.put(field, stamped.fact()));
        Map<DestinationField, FieldWrite> writes = FieldWrites.of(modes, facts);
        // The vendor still holds, where the row writes nothing, what the replaced erasure was to clear: cleared now.
        return clearsTheRest() ? Clears.theRest(writes) : writes;
    }

    /** {@code replacedErasure} (if any) is not the row any more: its outcome will be the row's. */
    private void replace(Erasure replacedErasure) {
        if (replacedErasure != null) {
            replaced.putIfAbsent(replacedErasure.erasureId(), replacedErasure);
        }
    }

    public List<SourceRecord> sources() {
        return Collections.unmodifiableList(sources);
    }

    /** A rough size of the row in a request body, for the byte limit. */
    public int estimatedBytes() {
        int size = 64 + key.length();
        for (Stamped s : fields.values()) {
            size += 48 + (s.fact().value() == null ? 4 : s.fact().value().length());
            if (s.fact().memory() != null) {
                // An add field writes every value seen; the others write one of them: count them all, an upper bound.
                for (var seen : s.fact().memory().seen()) {
                    size += 4 + seen.value().length();
                }
            }
        }
        return size;
    }
}
