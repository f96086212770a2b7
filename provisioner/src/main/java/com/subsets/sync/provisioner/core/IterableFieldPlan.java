package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a project's {@code getFields} says about the five fields. Iterable has no API to create a field:
 * the first write that carries one creates it with the type of that first value, forever. The
 * dispatcher writes every field as a string, and {@code subsetsExperimentAddedAt} as an ISO-8601 UTC
 * instant, which Iterable types {@code date}. A field that exists with another type can never be
 * written, so the plan refuses it; so does a project without room for the missing fields.
 */
public record IterableFieldPlan(List<DestinationField> missing, Map<DestinationField, String> present) {

    /** Iterable's soft limit of user fields per project (its documentation). */
    public static final int FIELD_LIMIT = 1000;

    /** The type Iterable gives each field from the values the dispatcher writes. */
    public static String expectedType(DestinationField field) {
        return field == DestinationField.EXPERIMENT_ADDED_AT ? "date" : "string";
    }

    /** A first value of the right type for each missing field, for the probe user that creates them. */
    public static Object probeValue(DestinationField field) {
        return switch (field) {
            case EXPERIMENT_ADDED_AT -> "2026-01-01T00:00:00Z";
            case CHURN_RISK -> "0.00";
            default -> "subsets-provisioning-probe";
        };
    }

    /** @throws ProvisioningFailure (not retryable) for a field of the wrong type or a project without room */
    public static IterableFieldPlan of(Map<String, String> projectFields) {
        List<DestinationField> missing = new ArrayList<>();
        Map<DestinationField, String> present = new EnumMap<>(DestinationField.class);
        List<String> conflicts = new ArrayList<>();
        for (DestinationField field : DestinationField.values()) {
            String type = projectFields.get(field.iterableName());
            if (type == null) {
                missing.add(field);
            } else if (!type.equals(expectedType(field))) {
                conflicts.add(field.iterableName() + " exists as " + type + " but must be " + expectedType(field));
            } else {
                present.put(field, type);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ProvisioningFailure(false, "Iterable fields with a type the dispatcher cannot write (a field's type "
                    + "never changes; rename or remove them in Iterable): " + String.join("; ", conflicts));
        }
        if (projectFields.size() + missing.size() > FIELD_LIMIT) {
            throw new ProvisioningFailure(false, "the Iterable project has " + projectFields.size() + " of its "
                    + FIELD_LIMIT + " user fields; " + missing.size() + " more are needed");
        }
        return new IterableFieldPlan(List.copyOf(missing), Map.copyOf(present));
    }

    public JsonObject probeDataFields() {
        JsonObject data = new JsonObject();
        missing.forEach(field -> data.put(field.iterableName(), probeValue(field)));
        return data;
    }
}
