package com.subsets.sync.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A destination's write mode for each of the five fields ({@link WriteMode#SET_OR_CLEAR} where none is named), as a
 * registration's {@code "fields": {"<Iterable name>": {"mode": "<mode>"}}} gives them.
 */
public record FieldModes(Map<DestinationField, WriteMode> modes) {

    /** Every field {@code set_or_clear}: how fields were always written. */
    public static final FieldModes DEFAULT = new FieldModes(Map.of());

    public FieldModes {
        EnumMap<DestinationField, WriteMode> all = new EnumMap<>(DestinationField.class);
        for (DestinationField field : DestinationField.values()) {
            all.put(field, modes.getOrDefault(field, WriteMode.SET_OR_CLEAR));
        }
        modes = Collections.unmodifiableMap(all);
    }

    public WriteMode of(DestinationField field) {
        return modes.get(field);
    }

    /** True when every field is {@code set_or_clear}. */
    public boolean isDefault() {
        return modes.values().stream().allMatch(mode -> mode == WriteMode.SET_OR_CLEAR);
    }

    /**
     * The modes named by Iterable field name ({@code subsetsExperimentId} → {@code add}); an unknown field or mode is
     * an {@link IllegalArgumentException} naming both.
     */
    public static FieldModes parse(Map<String, String> byIterableName) {
        Map<DestinationField, WriteMode> modes = new EnumMap<>(DestinationField.class);
        byIterableName.forEach((name, wire) -> {
            DestinationField field = DestinationField.byIterableName(name);
            WriteMode mode = WriteMode.byWireName(wire);
            if (field == null) {
                throw new IllegalArgumentException("fields." + name + ": not one of the five fields (mode " + wire + ")");
            }
            if (mode == null) {
                throw new IllegalArgumentException("fields." + name + ".mode: must be one of " + WriteMode.wireNames()
                        + ", was " + wire);
            }
            modes.put(field, mode);
        });
        return new FieldModes(modes);
    }

    /** Every field's mode by Iterable name, in the catalog's order. */
    public Map<String, String> toWire() {
        Map<String, String> wire = new LinkedHashMap<>();
        modes.forEach((field, mode) -> wire.put(field.iterableName(), mode.wireName()));
        return wire;
    }

    /** The fields not {@code set_or_clear}, as {@code name=mode} joined by commas; {@code all set_or_clear} when none. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        modes.forEach((field, mode) -> {
            if (mode != WriteMode.SET_OR_CLEAR) {
                text.append(text.length() == 0 ? "" : ",").append(field.iterableName()).append('=').append(mode.wireName());
            }
        });
        return text.length() == 0 ? "all set_or_clear" : text.toString();
    }
}
