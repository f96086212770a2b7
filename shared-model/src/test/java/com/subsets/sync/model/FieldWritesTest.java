package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldWritesTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    /** exp-1 at 0s, exp-2 at 10s, then cleared at 20s (the unassignment). */
    private static final FieldFact CLEARED = new FieldFact(null, T0.plusSeconds(20), 3, "u",
            FieldMemory.of("exp-1", T0, 1).with("exp-2", T0.plusSeconds(10), 2));
    /** ... and re-assigned to exp-1 at 30s. */
    private static final FieldFact REASSIGNED = new FieldFact("exp-1", T0.plusSeconds(30), 4, "a",
            CLEARED.history().with("exp-1", T0.plusSeconds(30), 4));

    private static FieldWrite write(WriteMode mode, FieldFact fact) {
        return FieldWrites.of(mode, fact);
    }

    @Test
    void setOrClearWritesTheCurrentValueOrAClear() {
        assertThat(write(WriteMode.SET_OR_CLEAR, CLEARED).isClear()).isTrue();
        assertThat(write(WriteMode.SET_OR_CLEAR, REASSIGNED).values()).containsExactly("exp-1");
    }

    @Test
    void setKeepsTheNewestValueThroughAnUnassignment() {
        assertThat(write(WriteMode.SET, CLEARED).values()).containsExactly("exp-2");
        assertThat(write(WriteMode.SET, REASSIGNED).values()).containsExactly("exp-1");
    }

    @Test
    void setIfEmptyWritesTheFirstValueEver() {
        assertThat(write(WriteMode.SET_IF_EMPTY, CLEARED).values()).containsExactly("exp-1");
        assertThat(write(WriteMode.SET_IF_EMPTY, new FieldFact("exp-9", T0, 1, "e")).values()).containsExactly("exp-9");
    }

    @Test
    void addWritesEveryDistinctValueOldestFirst() {
        FieldWrite cleared = write(WriteMode.ADD, CLEARED);
        assertThat(cleared.isList()).isTrue();
        assertThat(cleared.values()).containsExactly("exp-1", "exp-2");
        assertThat(write(WriteMode.ADD, REASSIGNED).values()).as("held again: newest last").containsExactly("exp-2", "exp-1");
    }

    @Test
    void noModeButSetOrClearEverClearsAndAFieldNeverHeldWritesNothing() {
        FieldFact neverHeld = new FieldFact(null, T0, 1, "u");
        for (WriteMode mode : List.of(WriteMode.SET, WriteMode.SET_IF_EMPTY, WriteMode.ADD)) {
            assertThat(write(mode, neverHeld)).as(mode.wireName()).isNull();
        }
        Map<DestinationField, FieldWrite> writes = FieldWrites.of(FieldModes.parse(Map.of(
                "subsetsExperimentId", "add", "subsetsExperimentName", "set")), Map.of(
                DestinationField.EXPERIMENT_ID, CLEARED, DestinationField.EXPERIMENT_NAME, neverHeld,
                DestinationField.EXPERIMENT_ASSIGNMENT, neverHeld));
        assertThat(writes).containsOnlyKeys(DestinationField.EXPERIMENT_ID, DestinationField.EXPERIMENT_ASSIGNMENT);
        assertThat(writes.get(DestinationField.EXPERIMENT_ASSIGNMENT).isClear()).as("the default mode clears").isTrue();
    }

    @Test
    void modesAreReadByIterableNameAndAnUnknownFieldOrModeIsNamed() {
        FieldModes modes = FieldModes.parse(Map.of("subsetsExperimentAddedAt", "set_if_empty"));
        assertThat(modes.of(DestinationField.EXPERIMENT_ADDED_AT)).isEqualTo(WriteMode.SET_IF_EMPTY);
        assertThat(modes.of(DestinationField.CHURN_RISK)).isEqualTo(WriteMode.SET_OR_CLEAR);
        assertThat(modes.describe()).isEqualTo("subsetsExperimentAddedAt=set_if_empty");
        assertThat(FieldModes.DEFAULT.isDefault()).isTrue();
        assertThat(FieldModes.parse(modes.toWire())).isEqualTo(modes);

        assertThatThrownBy(() -> FieldModes.parse(Map.of("subsetsColour", "add")))
                .hasMessageContaining("subsetsColour").hasMessageContaining("add");
        assertThatThrownBy(() -> FieldModes.parse(Map.of("subsetsExperimentId", "sum")))
                .hasMessageContaining("subsetsExperimentId").hasMessageContaining("sum");
    }
}
