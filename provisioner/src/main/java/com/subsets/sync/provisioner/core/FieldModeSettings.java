package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.WriteMode;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A registration's {@code "fields": {"<Iterable field name>": {"mode": "set_or_clear" | "set" | "set_if_empty" | "add"}}}
 * (issue 28): read from the body with every problem named (the field and the mode), kept in the settings with every
 * field's mode filled in, and read back from stored settings (none: every field {@code set_or_clear}, as before).
 */
public final class FieldModeSettings {

    static final String KEY = "fields";

    private FieldModeSettings() {
    }

    /** The modes of a body's {@code fields}, each problem a violation; the default for what is absent or wrong. */
    static FieldModes read(Object fields, BodyRules rules) {
        if (fields == null) {
            return FieldModes.DEFAULT;
        }
        if (!(fields instanceof JsonObject byName)) {
            rules.violation(KEY, "must be an object: {\"<field>\": {\"mode\": \"<mode>\"}}");
            return FieldModes.DEFAULT;
        }
        Map<String, String> modes = new LinkedHashMap<>();
        for (String name : byName.fieldNames().stream().sorted().toList()) {
            Object field = byName.getValue(name);
            Object mode = field instanceof JsonObject object ? object.getValue("mode") : null;
            String shown = mode instanceof String text ? text : String.valueOf(mode);
            if (DestinationField.byIterableName(name) == null) {
                rules.violation(KEY + "." + name, "is not one of the five fields (" + fieldNames() + "); mode " + shown);
            } else if (!(field instanceof JsonObject object) || object.size() != 1 || !(mode instanceof String text)) {
                rules.violation(KEY + "." + name, "must be {\"mode\": \"<mode>\"} with a mode among " + WriteMode.wireNames());
            } else if (WriteMode.byWireName(text) == null) {
                rules.violation(KEY + "." + name + ".mode", "must be one of " + WriteMode.wireNames() + ", was \"" + clip(text)
                        + "\" (field " + name + ")");
            } else {
                modes.put(name, text);
            }
        }
        return FieldModes.parse(modes);
    }

    /** The modes as settings and dispatch entries carry them: every field named, in the catalog's order. */
    public static JsonObject toWire(FieldModes modes) {
        JsonObject fields = new JsonObject();
        modes.toWire().forEach((name, mode) -> fields.put(name, new JsonObject().put("mode", mode)));
        return fields;
    }

    /** The modes stored settings carry (settings stored before issue 28 carry none: every field set_or_clear). */
    public static FieldModes of(JsonObject settings) {
        JsonObject fields = settings.getJsonObject(KEY);
        if (fields == null) {
            return FieldModes.DEFAULT;
        }
        Map<String, String> modes = new LinkedHashMap<>();
        fields.forEach(e -> modes.put(e.getKey(), ((JsonObject) e.getValue()).getString("mode")));
        return FieldModes.parse(modes);
    }

    private static String fieldNames() {
        StringBuilder names = new StringBuilder();
        for (DestinationField field : DestinationField.values()) {
            names.append(names.length() == 0 ? "" : ", ").append(field.iterableName());
        }
        return names.toString();
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
