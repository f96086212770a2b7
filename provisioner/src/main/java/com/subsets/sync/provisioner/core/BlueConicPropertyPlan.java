package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The profile property each field needs at BlueConic (../shared/docs/destinations.md): text
 * ({@code filterType} SELECT), precision 2, segmentable, shown, readable and writable, tagged
 * {@code subsets}, with its own name and description. A PUT replaces the whole definition, so a
 * repair starts from the property as it is and overlays only these settings: whatever else the
 * tenant set (more tags, data sensitivity, permission level) survives. The write modes (issue 28) need nothing
 * more: every BlueConic property holds a list of values (its API writes and reads {@code "values": [strings]} for any
 * property, blueconic-rest-v2-r103), so an {@code add} field is the same text property holding several.
 */
public final class BlueConicPropertyPlan {

    static final String TAG = "subsets";

    private BlueConicPropertyPlan() {
    }

    public static JsonObject desired(DestinationField field) {
        return overlay(new JsonObject().put("id", field.blueConicId()), field);
    }

    /** The definition to PUT so the property is as needed, or null when it already is. */
    public static JsonObject repair(DestinationField field, JsonObject existing) {
        JsonObject repaired = overlay(existing.copy(), field);
        return repaired.equals(existing) ? null : repaired;
    }

    private static JsonObject overlay(JsonObject definition, DestinationField field) {
        JsonArray tags = definition.getValue("tags") instanceof JsonArray existing ? existing.copy() : new JsonArray();
        if (!tags.contains(TAG)) {
            tags.add(TAG);
        }
        return definition
                .put("id", field.blueConicId())
                .put("name", field.blueConicName())
                .put("description", field.description())
                .put("tags", tags)
                .put("filterType", "SELECT")
                .put("precision", 2)
                .put("availableForSegmentation", true)
                .put("showInUI", true)
                .put("canRead", true)
                .put("canWrite", true);
    }
}
