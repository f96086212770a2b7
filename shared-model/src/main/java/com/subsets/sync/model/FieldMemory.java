package com.subsets.sync.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one field of one subscriber ever held, beside its current fact, for the write modes (issue 28):
 * {@code first}, the earliest non-null value by fact time (then offset), and {@code seen}, every distinct non-null
 * value, each stamped with the newest fact that carried it, oldest first, at most {@link #MAX_VALUES}. A value held
 * again moves to the end; past the bound the value held least recently drops. The fold is order-free: any order of
 * the same facts, and any number of repeats, gives the same memory, so it holds across batches, retries, backfills
 * and replays.
 */
public record FieldMemory(Seen first, List<Seen> seen) {

    /** The bound of {@code seen}, so of an {@code add} field's list: 20 values, the least recently held dropping first. */
    public static final int MAX_VALUES = 20;

    public static final FieldMemory EMPTY = new FieldMemory(null, List.of());

    /** A non-null value and the fact that carried it: when (event time) and where (offset). */
    public record Seen(String value, Instant occurredAt, long offset) {

        public Seen {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(occurredAt, "occurredAt");
        }

        boolean isBefore(Seen other) {
            return FieldFact.isBefore(occurredAt, offset, other.occurredAt, other.offset);
        }
    }

    public FieldMemory {
        seen = List.copyOf(seen);
    }

    /** The memory of a field whose only known fact is {@code fact}: what a record written before issue 28 means. */
    public static FieldMemory of(String value, Instant occurredAt, long offset) {
        if (value == null) {
            return EMPTY;
        }
        Seen only = new Seen(value, occurredAt, offset);
        return new FieldMemory(only, List.of(only));
    }

    /** With one more fact; {@code this} when it teaches nothing new (a null value, a repeat, an older copy). */
    public FieldMemory with(String value, Instant occurredAt, long offset) {
        if (value == null) {
            return this;
        }
        Seen fact = new Seen(value, occurredAt, offset);
        return withSeen(withFirst(fact), fact);
    }

    /** Both memories of one subscriber's field as one (identities linked): as if every fact had been folded here. */
    public FieldMemory merge(FieldMemory other) {
        FieldMemory merged = other.first == null ? this : withFirst(other.first);
        for (Seen value : other.seen) {
            merged = merged.withSeen(merged, value);
        }
        return merged;
    }

    /** The values of {@code seen}, oldest first. */
    public List<String> values() {
        List<String> values = new ArrayList<>(seen.size());
        seen.forEach(s -> values.add(s.value));
        return values;
    }

    /** The newest non-null value, or null when none was ever held. */
    public String latest() {
        return seen.isEmpty() ? null : seen.get(seen.size() - 1).value;
    }

    /** Same first value and same list of values (what a destination is written), whatever the stamps. */
    public boolean sameValuesAs(FieldMemory other) {
        return Objects.equals(first == null ? null : first.value, other.first == null ? null : other.first.value)
                && values().equals(other.values());
    }

    private FieldMemory withFirst(Seen fact) {
        return first == null || fact.isBefore(first) ? new FieldMemory(fact, seen) : this;
    }

    /** {@code base} (this memory with its first already decided) with {@code fact} among the values seen. */
    private static FieldMemory withSeen(FieldMemory base, Seen fact) {
        List<Seen> list = base.seen;
        int at = -1;
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).value.equals(fact.value)) {
                at = i;
                break;
            }
        }
        if (at >= 0 && !list.get(at).isBefore(fact)) {
            return base;
        }
        List<Seen> out = new ArrayList<>(list.size() + 1);
        for (int i = 0; i < list.size(); i++) {
            if (i != at) {
                out.add(list.get(i));
            }
        }
        int insert = out.size();
        while (insert > 0 && fact.isBefore(out.get(insert - 1))) {
            insert--;
        }
        out.add(insert, fact);
        if (out.size() > MAX_VALUES) {
            out.subList(0, out.size() - MAX_VALUES).clear();
        }
        return out.equals(list) ? base : new FieldMemory(base.first, out);
    }
}
