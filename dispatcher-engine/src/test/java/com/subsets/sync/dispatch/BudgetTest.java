package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.core.BatchLimits;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lanes on one budget take its requests in turns; a lane backing off passes its turn without holding the others. */
class BudgetTest {

    private static final BatchLimits LIMITS = new BatchLimits(10, 1_000_000, Duration.ZERO);

    private static Lane<String> laneWithWork(String tenant, Budget<String> budget, LaneConfig<String> config) {
        Lane<String> lane = new Lane<>(tenant, config, LIMITS);
        AssignmentEvent event = new AssignmentEvent("e-" + tenant, EventType.CHURN_RISK_SCORED, tenant, Instant.EPOCH,
                new Subscriber("u", null), null, null, null, new BigDecimal("0.5"));
        lane.buffer.add("u", event, new SourceRecord("t", 0, 0, null, new byte[0], Map.of()), 0);
        budget.add(lane);
        return lane;
    }

    @Test
    void lanesTakeTurnsAndABackingOffLaneIsPassedOver() {
        LaneConfig<String> config = LaneConfig.fixed("iterable:p1@host", "settings", 5, 1);
        Budget<String> budget = new Budget<>(config, 0);
        Lane<String> a = laneWithWork("a", budget, config);
        Lane<String> b = laneWithWork("b", budget, config);
        Lane<String> c = laneWithWork("c", budget, config);

        assertThat(budget.laneWithTurn(10, false)).isSameAs(a);
        assertThat(budget.laneWithTurn(10, false)).as("the turn stays until taken").isSameAs(a);
        budget.turnTaken(a);
        assertThat(budget.laneWithTurn(10, false)).isSameAs(b);
        b.nextAttemptMillis = 1_000;
        assertThat(budget.laneWithTurn(10, false)).as("b backs off: c goes").isSameAs(c);
        budget.turnTaken(c);
        assertThat(budget.laneWithTurn(10, false)).isSameAs(a);
        budget.turnTaken(a);
        assertThat(budget.laneWithTurn(2_000, false)).as("b's backoff over: its turn comes").isSameAs(b);

        budget.remove(b);
        for (int i = 0; i < 4; i++) {
            Lane<String> next = budget.laneWithTurn(2_000, false);
            assertThat(next).as("a removed lane never gets a turn").isIn(a, c);
            budget.turnTaken(next);
        }
    }
}
