package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AssignmentsTest {

    private static SourceRecord record(int partition, int generation) {
        return new SourceRecord("t", partition, 7, null, new byte[0], Map.of(), generation);
    }

    @Test
    void aRecordIsCurrentOnlyUnderTheAssignmentItWasTakenIn() {
        Assignments assignments = new Assignments();
        assignments.assigned(List.of(0, 1));
        SourceRecord taken = record(0, assignments.generation(0));
        assertThat(assignments.isCurrent(taken)).isTrue();

        assignments.revoked(List.of(0));
        assertThat(assignments.isCurrent(taken)).as("revoked").isFalse();
        assertThat(assignments.generation(0)).isEqualTo(Assignments.NOT_OWNED);

        assignments.assigned(List.of(0));
        assertThat(assignments.isCurrent(taken)).as("assigned back: a new generation, the old record stays stale").isFalse();
        assertThat(assignments.isCurrent(record(0, assignments.generation(0)))).isTrue();
        assertThat(assignments.isCurrent(record(1, assignments.generation(1)))).as("other partitions unaffected").isTrue();
        assertThat(assignments.isCurrent(record(2, Assignments.NOT_OWNED))).isFalse();
    }
}
