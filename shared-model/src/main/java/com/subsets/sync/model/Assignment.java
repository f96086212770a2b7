package com.subsets.sync.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Which arm of an experiment a subscriber is in. */
public enum Assignment {
    TREATMENT,
    CONTROL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Assignment> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }
}
