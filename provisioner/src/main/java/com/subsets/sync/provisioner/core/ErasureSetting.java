package com.subsets.sync.provisioner.core;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A registration's {@code "erasure": "clear" | "forget"} (issue 29): how the destination carries out a subscriber's
 * erasure. {@code clear} (the default): the five Subsets fields are cleared, no profile is ever created to do so;
 * {@code forget}: Iterable's {@code POST /api/users/forget} (the provisioner's forget queue, after the clear) or
 * BlueConic's {@code DELETE} strategy. Kept in the settings (as the fields' write modes are), so GET shows it and the
 * directory hands it to the dispatchers with the READY revision; settings stored before it carry none: clear.
 */
public final class ErasureSetting {

    public static final String KEY = "erasure";
    public static final String CLEAR = "clear";
    public static final String FORGET = "forget";
    static final Set<String> MODES = Set.of(CLEAR, FORGET);

    private ErasureSetting() {
    }

    /** The body's mode: the default when absent, a violation naming the field and the allowed values otherwise. */
    static String read(BodyRules rules) {
        return rules.oneOf(KEY, CLEAR, MODES);
    }

    /** The mode stored settings carry (none: clear). */
    public static String of(JsonObject settings) {
        String mode = settings == null ? null : settings.getString(KEY);
        return mode == null ? CLEAR : mode;
    }

    /** The settings with the mode filled in (settings stored before the setting existed have none). */
    public static JsonObject withDefault(JsonObject settings) {
        return settings == null || settings.containsKey(KEY) ? settings : settings.copy().put(KEY, CLEAR);
    }
}
