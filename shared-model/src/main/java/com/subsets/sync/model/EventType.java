package com.subsets.sync.model;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of event the contract knows, by their wire name. */
public enum EventType {
    /** A subscriber entered an experiment: sets the four experiment fields (and churn risk if given). */
    ASSIGNED("experiment.assigned"),
    /** A subscriber left an experiment: clears the four experiment fields. */
    UNASSIGNED("experiment.unassigned"),
    /** A new churn-risk score: sets only the churn-risk field. */
    CHURN_RISK_SCORED("churn_risk.scored"),
    /**
     * The subscriber asked to be forgotten (issue 29): the state service forgets every identifier of theirs and the
     * destinations clear (or forget) them. The event names them by any identifier and carries nothing else; its
     * eventId is the erasure's id ({@code GET /v1/tenants/{t}/erasures/{id}}).
     */
    ERASED("subscriber.erased");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<EventType> fromWireName(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }
}
