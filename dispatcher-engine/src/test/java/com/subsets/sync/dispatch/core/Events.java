package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** Small event and record builders for the core's tests. */
final class Events {

    static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private Events() {
    }

    static AssignmentEvent assigned(String user, String experiment, int secondsAfterT0) {
        return new AssignmentEvent("e-" + user + "-" + secondsAfterT0, EventType.ASSIGNED, "acme",
                T0.plusSeconds(secondsAfterT0), new Subscriber(user, null), new Experiment(experiment, "Name " + experiment),
                Assignment.TREATMENT, T0, null);
    }

    static AssignmentEvent scored(String user, String risk, int secondsAfterT0) {
        return new AssignmentEvent("s-" + user + "-" + secondsAfterT0, EventType.CHURN_RISK_SCORED, "acme",
                T0.plusSeconds(secondsAfterT0), new Subscriber(user, null), null, null, null, new BigDecimal(risk));
    }

    static AssignmentEvent unassigned(String user, int secondsAfterT0) {
        return new AssignmentEvent("u-" + user + "-" + secondsAfterT0, EventType.UNASSIGNED, "acme",
                T0.plusSeconds(secondsAfterT0), new Subscriber(user, null), new Experiment("x", null), null, null, null);
    }

    static SourceRecord at(long offset) {
        return new SourceRecord("t", 0, offset, "acme".getBytes(), new byte[0], Map.of());
    }
}
