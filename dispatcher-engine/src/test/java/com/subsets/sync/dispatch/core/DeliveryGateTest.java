package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveryGateTest {

    private final DeliveryGate gate = new DeliveryGate();

    @Test
    void whileRememberingAnOlderVersionThanOneSentIsRefusedAndTheSameOrANewerOneAdmitted() {
        gate.remember(true, Map.of());
        gate.sending("ada", 50_000);

        assertThat(gate.admits("ada", 7)).as("a backfill's older state of ada").isFalse();
        assertThat(gate.admits("ada", 50_000)).as("the same version again (a retry)").isTrue();
        assertThat(gate.admits("ada", 50_001)).isTrue();
        assertThat(gate.admits("bob", 7)).as("another subscriber").isTrue();
    }

    @Test
    void theNewestVersionSentIsWhatCountsWhateverTheOrderOfSends() {
        gate.remember(true, Map.of());
        gate.sending("ada", 90);
        gate.sending("ada", 40);

        assertThat(gate.admits("ada", 60)).isFalse();
    }

    @Test
    void startingToRememberTakesInTheRowsAlreadyInFlight() {
        gate.remember(true, Map.of("ada", 300L));

        assertThat(gate.admits("ada", 299)).as("in flight before the resync started").isFalse();
    }

    @Test
    void withoutAnotherPathNothingIsKeptAndStoppingForgetsEverything() {
        gate.sending("ada", 10);
        assertThat(gate.remembered()).isZero();

        gate.remember(true, Map.of());
        gate.sending("ada", 10);
        gate.remember(false, Map.of());

        assertThat(gate.remembered()).isZero();
        assertThat(gate.admits("ada", 1)).isTrue();
    }

    @Test
    void versionsBelowTheFloorOfEveryPathAreForgottenAndOnlyThose() {
        gate.remember(true, Map.of());
        gate.sending("ada", 100);
        gate.sending("bob", 200);
        gate.sending("cyd", 300);

        gate.forgetBelow(201);

        assertThat(gate.remembered()).isEqualTo(1);
        assertThat(gate.admits("cyd", 250)).isFalse();
    }
}
