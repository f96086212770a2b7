package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads fields of a registration body and collects every violation instead of stopping at the first,
 * so one 400 names everything wrong. Secret values never appear in a message.
 */
final class BodyRules {

    private final JsonObject body;
    private final List<Violation> violations = new ArrayList<>();

    BodyRules(JsonObject body, Set<String> allowed) {
        this.body = body;
        body.fieldNames().stream().filter(name -> !allowed.contains(name)).sorted()
                .forEach(name -> violations.add(new Violation(name, "is not a known property; allowed: " + String.join(", ", allowed.stream().sorted().toList()))));
    }

    /** A string matching {@code pattern}; {@code fallback} when absent (null: required). */
    String text(String name, String fallback, Pattern pattern, String rule, boolean secret) {
        Object value = body.getValue(name);
        if (value == null) {
            if (fallback == null) {
                violations.add(new Violation(name, body.containsKey(name) ? "must not be null" : "is required"));
            }
            return fallback;
        }
        if (!(value instanceof String text)) {
            violations.add(new Violation(name, "must be a string"));
            return fallback;
        }
        if (!pattern.matcher(text).matches()) {
            violations.add(new Violation(name, secret ? "is not a valid value (" + rule + ")" : rule + ", was \"" + clip(text) + "\""));
            return fallback;
        }
        return text;
    }

    String oneOf(String name, String fallback, Set<String> values) {
        Object value = body.getValue(name);
        if (value == null && !body.containsKey(name)) {
            return fallback;
        }
        if (!(value instanceof String text) || !values.contains(text)) {
            violations.add(new Violation(name, "must be one of " + String.join(", ", values.stream().sorted().toList())
                    + (value == null ? ", was null" : ", was " + clip(String.valueOf(value)))));
            return fallback;
        }
        return text;
    }

    boolean bool(String name, boolean fallback) {
        Object value = body.getValue(name);
        if (value == null && !body.containsKey(name)) {
            return fallback;
        }
        if (!(value instanceof Boolean flag)) {
            violations.add(new Violation(name, "must be true or false"));
            return fallback;
        }
        return flag;
    }

    List<String> texts(String name, Pattern pattern, String rule, int max) {
        Object value = body.getValue(name);
        if (value == null && !body.containsKey(name)) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            violations.add(new Violation(name, "must be an array of strings"));
            return List.of();
        }
        if (array.size() > max) {
            violations.add(new Violation(name, "must have at most " + max + " entries, has " + array.size()));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof String text) || !pattern.matcher(text).matches()) {
                violations.add(new Violation(name + "[" + i + "]", rule));
            } else if (out.contains(text)) {
                violations.add(new Violation(name + "[" + i + "]", "is listed twice"));
            } else {
                out.add(text);
            }
        }
        return out;
    }

    void violation(String path, String message) {
        violations.add(new Violation(path, message));
    }

    /** Throws every violation found, if any. */
    void check() {
        if (!violations.isEmpty()) {
            throw new InvalidRegistration(violations);
        }
    }

    private static String clip(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
