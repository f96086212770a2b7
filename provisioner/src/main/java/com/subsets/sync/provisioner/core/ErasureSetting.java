package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.Violation;
import java.util.List;
import java.util.Set;

/**
 * A registration's {@code "erasure": "clear" | "forget"} (issue 29): how the destination carries out a subscriber's
 * erasure. {@code clear} (the default): the five Subsets fields are cleared, no profile is ever created to do so;
 * {@code forget}: Iterable's {@code POST /api/users/forget} (the provisioner's forget queue, after the clear) or
 * BlueConic's {@code DELETE} strategy. Read apart from the settings (as the test subscribers are) and kept in its own
 * column ({@code destination.erasure}, V18): changing it provisions nothing again; GET shows it among the settings and
 * the directory hands it to the dispatchers in each destination's entry.
 */
public final class ErasureSetting {

    public static final String KEY = "erasure";
    public static final String CLEAR = "clear";
    public static final String FORGET = "forget";
    static final Set<String> MODES = Set.of(CLEAR, FORGET);

    private ErasureSetting() {
    }

    /** The body's mode, or its problem naming the field and the allowed values. */
    public record Read(String mode, List<Violation> problems) {
    }

    /** {@code present}: whether the body has the key at all (absent: the default, clear; null is a problem). */
    public static Read read(boolean present, Object value) {
        if (!present) {
            return new Read(CLEAR, List.of());
        }
        if (value instanceof String text && MODES.contains(text)) {
            return new Read(text, List.of());
        }
        String shown = value == null ? "null" : value instanceof String text
                ? "\"" + (text.length() <= 40 ? text : text.substring(0, 40) + "…") + "\"" : String.valueOf(value);
        return new Read(CLEAR, List.of(new Violation(KEY, "must be one of clear, forget, was " + (shown.length() <= 60 ? shown
                : shown.substring(0, 60) + "…"))));
    }
}
