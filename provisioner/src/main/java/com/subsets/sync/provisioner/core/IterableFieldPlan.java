package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.WriteMode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a project's {@code getFields} says about the five fields. Iterable has no API to create a field:
 * the first write that carries one creates it with the type of that first value, forever. The
 * dispatcher writes every field as a string, and {@code subsetsExperimentAddedAt} as an ISO-8601 UTC
 * instant, which Iterable types {@code date}; a field in the {@code add} write mode (issue 28) as an array of
 * strings, which the simulator's getFields reports as {@code array} (Iterable's documents name no type for arrays).
 * A field that exists with another type can never be written ("When updating an existing field, you cannot change
 * its data type", users/update), so the plan refuses it, naming the field, its type and the mode that needs
 * another; so does a project without room for the missing fields.
 */
public record IterableFieldPlan(List<DestinationField> missing, Map<DestinationField, String> present, FieldModes modes) {

    /** Iterable's soft limit of user fields per project (its documentation). */
    public static final int FIELD_LIMIT = 1000;

    /** The type Iterable gives each field from the values the dispatcher writes in the default mode. */
    public static String expectedType(DestinationField field) {
        return expectedType(field, WriteMode.SET_OR_CLEAR);
    }

    /** The type Iterable gives the field from the values the dispatcher writes in {@code mode}. */
    public static String expectedType(DestinationField field, WriteMode mode) {
        if (mode == WriteMode.ADD) {
            return "array";
        }
        return field == DestinationField.EXPERIMENT_ADDED_AT ? "date" : "string";
    }

    /** A first value of the right type for each missing field, for the probe user that creates them. */
    public static Object probeValue(DestinationField field, WriteMode mode) {
        String value = switch (field) {
            case EXPERIMENT_ADDED_AT -> "2026-01-01T00:00:00Z";
            case CHURN_RISK -> "0.00";
            default -> "subsets-provisioning-probe";
        };
        return mode == WriteMode.ADD ? new JsonArray().add(value) : value;
    }

    public static IterableFieldPlan of(Map<String, String> projectFields) {
        return of(projectFields, FieldModes.DEFAULT);
    }

    /** @throws ProvisioningFailure (not retryable) for a field of the wrong type or a project without room */
    public static IterableFieldPlan of(Map<String, String> projectFields, FieldModes modes) {
        List<DestinationField> missing = new ArrayList<>();
        Map<DestinationField, String> present = new EnumMap<>(DestinationField.class);
        List<String> conflicts = new ArrayList<>();
        for (DestinationField field : DestinationField.values()) {
            String type = projectFields.get(field.iterableName());
            if (type == null) {
                missing.add(field);
            } else if (!type.equals(expectedType(field, modes.of(field)))) {
                conflicts.add(field.iterableName() + " exists as " + type + " but its mode " + modes.of(field).wireName()
                        + " needs " + expectedType(field, modes.of(field)));
            } else {
                present.put(field, type);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ProvisioningFailure(false, "Iterable fields with a type the dispatcher cannot write (Iterable fixes a "
                    + "field's type at its first write; choose another mode, or rename or remove the field in Iterable): "
                    + String.join("; ", conflicts));
        }
        if (projectFields.size() + missing.size() > FIELD_LIMIT) {
            throw new ProvisioningFailure(false, "the Iterable project has " + projectFields.size() + " of its "
                    + FIELD_LIMIT + " user fields; " + missing.size() + " more are needed");
        }
        return new IterableFieldPlan(List.copyOf(missing), Map.copyOf(present), modes);
    }

    public JsonObject probeDataFields() {
        JsonObject data = new JsonObject();
        missing.forEach(field -> data.put(field.iterableName(), probeValue(field, modes.of(field))));
        return data;
    }
}
