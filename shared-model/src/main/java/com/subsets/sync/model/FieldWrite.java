package com.subsets.sync.model;

import java.util.List;

/**
 * What a destination is written for one field of one subscriber: a single value, a clear ({@code values} empty, only
 * in {@link WriteMode#SET_OR_CLEAR}), or, in {@link WriteMode#ADD}, the whole list of values (never empty).
 */
public record FieldWrite(WriteMode mode, List<String> values) {

    public FieldWrite {
        values = List.copyOf(values);
    }

    public boolean isClear() {
        return values.isEmpty();
    }

    /** True when the destination holds a list (an Iterable array, a BlueConic multi-valued property). */
    public boolean isList() {
        return mode == WriteMode.ADD;
    }

    /** The single value, or null for a clear. */
    public String single() {
        return values.isEmpty() ? null : values.get(0);
    }
}
