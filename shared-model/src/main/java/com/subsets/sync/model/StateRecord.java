package com.subsets.sync.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A subscriber's current five fields as {@code subsets.subscriber-state.v2} carries them (written by the
 * subscriber-state service, read by the dispatchers): the tenant, the subscriber's identity (its userId and the
 * e-mail currently linked to it, or an e-mail no event has linked to a userId), and each field an event ever
 * named with the fact that set it (a cleared field holds a null value).
 */
public record StateRecord(String tenantId, Subscriber subscriber, Map<DestinationField, FieldFact> fields) {

    public StateRecord {
        fields = fields.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(fields));
    }
}
