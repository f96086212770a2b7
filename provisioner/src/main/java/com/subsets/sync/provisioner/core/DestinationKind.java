package com.subsets.sync.provisioner.core;

import java.util.Locale;
import java.util.Optional;

/** The destinations a tenant can register, by their name in paths and in the database. */
public enum DestinationKind {
    ITERABLE, BLUECONIC;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DestinationKind> of(String name) {
        for (DestinationKind kind : values()) {
            if (kind.wireName().equals(name)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
