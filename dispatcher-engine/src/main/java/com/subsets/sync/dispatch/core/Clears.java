package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldWrite;
import com.subsets.sync.model.WriteMode;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The clears an erasure asks for: every one of the five fields a row writes nothing to, cleared whatever the modes. */
final class Clears {

    private static final FieldWrite CLEAR = new FieldWrite(WriteMode.SET_OR_CLEAR, List.of());

    private Clears() {
    }

    /** {@code writes}, and a clear for every field they leave out. */
    static Map<DestinationField, FieldWrite> theRest(Map<DestinationField, FieldWrite> writes) {
        if (writes.size() == DestinationField.values().length) {
            return writes;
        }
        Map<DestinationField, FieldWrite> all = new EnumMap<>(DestinationField.class);
        all.putAll(writes);
        for (DestinationField field : DestinationField.values()) {
            all.putIfAbsent(field, CLEAR);
        }
        return Collections.unmodifiableMap(all);
    }
}
