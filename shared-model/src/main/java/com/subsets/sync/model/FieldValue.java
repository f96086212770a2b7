package com.subsets.sync.model;

/** The new value of one destination field: a string to SET, or {@link #CLEAR} to remove it. */
public record FieldValue(String value) {

    public static final FieldValue CLEAR = new FieldValue(null);

    public static FieldValue set(String value) {
        if (value == null) {
            throw new IllegalArgumentException("use FieldValue.CLEAR to clear a field");
        }
        return new FieldValue(value);
    }

    public boolean isClear() {
        return value == null;
    }
}
