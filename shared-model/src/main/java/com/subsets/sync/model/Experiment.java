package com.subsets.sync.model;

import java.util.Objects;

/** An experiment: its external id, and its name (null where the event kind does not need it). */
public record Experiment(String id, String name) {
    public Experiment {
        Objects.requireNonNull(id, "id");
    }
}
