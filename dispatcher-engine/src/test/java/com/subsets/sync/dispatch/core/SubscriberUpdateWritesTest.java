package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.FieldMemory;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A row of states carries each field's memory to the writer, whichever state the coalescing kept (issue 28). */
class SubscriberUpdateWritesTest {

    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final FieldModes ADD_IDS = FieldModes.parse(Map.of("subsetsExperimentId", "add", "subsetsExperimentName", "set"));

    private static StateRecord state(FieldFact id) {
        return new StateRecord("acme", new Subscriber("u-1", null), Map.of(DestinationField.EXPERIMENT_ID, id,
                DestinationField.EXPERIMENT_NAME, id));
    }

    private static SourceRecord at(long offset) {
        return new SourceRecord("state", 0, offset, null, new byte[0], Map.of());
    }

    @Test
    void theNewestStateFoldedInDecidesWhatEachModeWrites() {
        FieldMemory one = FieldMemory.of("exp-1", T0, 1);
        FieldMemory two = one.with("exp-2", T0.plusSeconds(10), 2);
        SubscriberUpdate row = new SubscriberUpdate("u-1");
        row.merge(state(new FieldFact(null, T0.plusSeconds(20), 3, "u", two)), at(9));
        row.merge(state(new FieldFact("exp-1", T0, 1, "a", one)), at(4));

        assertThat(row.writes(ADD_IDS).get(DestinationField.EXPERIMENT_ID).values()).as("the state at offset 9, not 4")
                .containsExactly("exp-1", "exp-2");
        assertThat(row.writes(ADD_IDS).get(DestinationField.EXPERIMENT_NAME).values()).containsExactly("exp-2");
        assertThat(row.writes(FieldModes.DEFAULT).get(DestinationField.EXPERIMENT_ID).isClear()).isTrue();

        SubscriberUpdate retried = new SubscriberUpdate("u-1");
        retried.merge(state(new FieldFact("exp-1", T0, 1, "a", one)), at(4));
        retried.absorb(row);
        assertThat(retried.writes(ADD_IDS)).as("a retried row absorbs the newer state whole").isEqualTo(row.writes(ADD_IDS));
    }

    @Test
    void aRowsSizeCountsTheValuesItsMemoryMayWrite() {
        FieldMemory many = FieldMemory.EMPTY;
        for (int i = 0; i < 20; i++) {
            many = many.with("experiment-with-a-long-id-" + i, T0.plusSeconds(i), i);
        }
        SubscriberUpdate plain = new SubscriberUpdate("u-1");
        plain.merge(state(new FieldFact("exp-1", T0, 1, "a")), at(1));
        SubscriberUpdate remembering = new SubscriberUpdate("u-1");
        remembering.merge(state(new FieldFact(null, T0.plusSeconds(30), 30, "u", many)), at(2));

        assertThat(remembering.estimatedBytes()).isGreaterThan(plain.estimatedBytes() + 2 * 20 * 26);
    }
}
