package com.subsets.sync.simulator.iterable;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** The type Iterable gives a field from its first value: ISO-8601 date strings become {@code date}. */
final class FieldTypes {

    private static final Pattern ISO_DATE = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?");

    private FieldTypes() {
    }

    static String of(Object value) {
        if (value instanceof String s) {
            return ISO_DATE.matcher(s).matches() ? "date" : "string";
        }
        if (value instanceof Boolean) {
            return "boolean";
        }
        if (value instanceof Integer || value instanceof Long) {
            return "long";
        }
        if (value instanceof Number) {
            return "double";
        }
        if (value instanceof JsonObject) {
            return "object";
        }
        if (value instanceof JsonArray) {
            return "array";
        }
        return "string";
    }
}
