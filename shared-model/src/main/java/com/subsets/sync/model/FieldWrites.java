package com.subsets.sync.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one mapping from a subscriber's state to what a destination is written, by the destination's write modes
 * (issue 28). Live rows, backfills, resyncs, replays and probes all go through it, so a backfill writes what live
 * delivery would have:
 * <ul>
 *   <li>{@code set_or_clear}: the current value; a clear when it is null.</li>
 *   <li>{@code set}: the newest value ever held; nothing when none was (never a clear).</li>
 *   <li>{@code set_if_empty}: the first value ever held; nothing when none was.</li>
 *   <li>{@code add}: every distinct value held, oldest first, at most {@link FieldMemory#MAX_VALUES}; nothing when none.</li>
 * </ul>
 * "Nothing" leaves the field out of the row: the vendor keeps what it holds.
 */
public final class FieldWrites {

    private FieldWrites() {
    }

    public static Map<DestinationField, FieldWrite> of(FieldModes modes, Map<DestinationField, FieldFact> facts) {
        Map<DestinationField, FieldWrite> writes = new EnumMap<>(DestinationField.class);
        facts.forEach((field, fact) -> {
            FieldWrite write = of(modes.of(field), fact);
            if (write != null) {
                writes.put(field, write);
            }
        });
        return Collections.unmodifiableMap(writes);
    }

    /** What {@code mode} writes for a field holding {@code fact}, or null when it writes nothing. */
    public static FieldWrite of(WriteMode mode, FieldFact fact) {
        return switch (mode) {
            case SET_OR_CLEAR -> new FieldWrite(mode, fact.value() == null ? List.of() : List.of(fact.value()));
            case SET -> single(mode, fact.value() != null ? fact.value() : fact.history().latest());
            case SET_IF_EMPTY -> single(mode, fact.history().first() == null ? null : fact.history().first().value());
            case ADD -> {
                List<String> values = fact.history().values();
                yield values.isEmpty() ? null : new FieldWrite(mode, values);
            }
        };
    }

    private static FieldWrite single(WriteMode mode, String value) {
        return value == null ? null : new FieldWrite(mode, List.of(value));
    }
}
