package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {

    @Test
    void upToTheCapTheReplayNamesItsSubscribersInTheOrderFound() {
        ReplayPlan plan = ReplayPlan.of(new LinkedHashSet<>(List.of("k3", "k1", "k2")), 3, "replay since x");

        assertThat(plan.fullResync()).isFalse();
        assertThat(plan.subscribers()).containsExactly("k3", "k1", "k2");
        assertThat(plan.found()).isEqualTo(3);
        assertThat(plan.detail()).isEqualTo("replay since x");
    }

    @Test
    void aboveTheCapItIsAFullResyncThatSaysWhy() {
        ReplayPlan plan = ReplayPlan.of(List.of("k1", "k2", "k3", "k4"), 3, "replay since x: key fixed");

        assertThat(plan.fullResync()).isTrue();
        assertThat(plan.subscribers()).as("every subscriber of the tenant").isNull();
        assertThat(plan.found()).isEqualTo(4);
        assertThat(plan.detail()).startsWith("replay since x: key fixed").contains("more than 3 subscribers")
                .contains("PROVISIONER_REPLAY_MAX_SUBSCRIBERS").contains("full resync of the tenant");
    }

    @Test
    void theScanCollectsOnePastTheCapAndNoMore() {
        assertThat(ReplayPlan.scanLimit(100_000)).isEqualTo(100_001);
        assertThat(ReplayPlan.scanLimit(1)).isEqualTo(2);
        assertThat(ReplayPlan.scanLimit(Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThatThrownBy(() -> ReplayPlan.scanLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
