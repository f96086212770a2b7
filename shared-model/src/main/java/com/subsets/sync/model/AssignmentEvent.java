package com.subsets.sync.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One subscriber update, contract v1, as it is once validated. Fields a kind does not carry are null:
 * {@code experiment} for churn_risk.scored; {@code assignment} and {@code addedAt} outside
 * experiment.assigned; {@code churnRisk} where the event has none. Instances come from
 * {@link EventCodec} after {@link EventValidator} found nothing wrong.
 */
public record AssignmentEvent(
        String eventId,
        EventType type,
        String tenantId,
        Instant occurredAt,
        Subscriber subscriber,
        Experiment experiment,
        Assignment assignment,
        Instant addedAt,
        BigDecimal churnRisk) {

    public AssignmentEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(subscriber, "subscriber");
    }
}
