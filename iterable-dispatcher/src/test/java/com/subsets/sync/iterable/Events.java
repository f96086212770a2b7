package com.subsets.sync.iterable;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import java.math.BigDecimal;
import java.time.Instant;

/** Event builders for the Iterable dispatcher's tests. */
final class Events {

    static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private Events() {
    }

    static AssignmentEvent assigned(String tenant, String user, String experiment, String name, int second) {
        return new AssignmentEvent("a-" + user + "-" + second, EventType.ASSIGNED, tenant, T0.plusSeconds(second),
                new Subscriber(user, user + "@example.com"), new Experiment(experiment, name),
                second % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null);
    }

    static AssignmentEvent scored(String tenant, String user, String risk, int second) {
        return new AssignmentEvent("s-" + user + "-" + second, EventType.CHURN_RISK_SCORED, tenant, T0.plusSeconds(second),
                new Subscriber(user, null), null, null, null, new BigDecimal(risk));
    }

    static AssignmentEvent unassigned(String tenant, String user, int second) {
        return new AssignmentEvent("u-" + user + "-" + second, EventType.UNASSIGNED, tenant, T0.plusSeconds(second),
                new Subscriber(user, null), new Experiment("x", null), null, null, null);
    }

    static AssignmentEvent emailOnly(String tenant, String email, int second) {
        return new AssignmentEvent("m-" + second + "-" + Integer.toHexString(email.hashCode()), EventType.CHURN_RISK_SCORED, tenant, T0.plusSeconds(second),
                new Subscriber(null, email), null, null, null, new BigDecimal("0.5"));
    }
}
