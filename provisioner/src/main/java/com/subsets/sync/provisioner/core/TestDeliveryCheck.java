package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.FieldWrite;
import com.subsets.sync.model.FieldWrites;
import com.subsets.sync.model.StateRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A test delivery's verdict for one subscriber, field by field: what was sent (the state's five fields as the
 * dispatcher writes them: a value, a clear, or nothing when no event ever named the field), what the vendor holds
 * now, and whether they agree. A cleared field agrees with a vendor that holds nothing; a field never sent is not
 * judged. Times agree when they are the same instant (Iterable shows a {@code date} field in its own format).
 * Pure: the vendor's answers come in already read.
 */
public final class TestDeliveryCheck {

    /** Iterable's own rendering of a date field, e.g. {@code 2026-11-22 09:00:00 +00:00}. */
    private static final DateTimeFormatter ITERABLE_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS] xxx");

    private TestDeliveryCheck() {
    }

    /** What the state sends per field with every field {@code set_or_clear}. */
    public static Map<DestinationField, Optional<String>> sent(StateRecord state) {
        return sent(state, FieldModes.DEFAULT);
    }

    /**
     * What the state sends per field under the destination's write modes ({@link FieldWrites}, as the dispatcher
     * writes it): present with a value (an {@code add} field's list joined by ", ", as a vendor's list is read back),
     * present with null (a clear), or absent (not sent: no event named it, or a mode that writes nothing yet).
     */
    public static Map<DestinationField, Optional<String>> sent(StateRecord state, FieldModes modes) {
        Map<DestinationField, Optional<String>> sent = new EnumMap<>(DestinationField.class);
        if (state != null) {
            for (Map.Entry<DestinationField, FieldWrite> e : FieldWrites.of(modes, state.fields()).entrySet()) {
                sent.put(e.getKey(), e.getValue().isClear() ? Optional.empty() : Optional.of(String.join(", ", e.getValue().values())));
            }
        }
        return sent;
    }

    /** What an Iterable user holds per field ({@code user} null: no such user), from {@code dataFields}. */
    public static Map<DestinationField, String> heldByIterable(JsonObject user) {
        Map<DestinationField, String> held = new EnumMap<>(DestinationField.class);
        JsonObject data = user == null ? null : user.getJsonObject("dataFields");
        for (DestinationField field : DestinationField.values()) {
            Object value = data == null ? null : data.getValue(field.iterableName());
            // An add field is an array: its values joined as a sent list is.
            held.put(field, value == null ? null : value instanceof JsonArray list
                    ? String.join(", ", list.stream().map(String::valueOf).toList()) : String.valueOf(value));
        }
        return held;
    }

    /** What a BlueConic profile holds per property ({@code profile} null: none matched); several values are joined by ", ". */
    public static Map<DestinationField, String> heldByBlueConic(JsonObject profile) {
        Map<DestinationField, String> held = new EnumMap<>(DestinationField.class);
        for (DestinationField field : DestinationField.values()) {
            held.put(field, null);
        }
        JsonArray properties = profile == null ? null : profile.getJsonArray("properties");
        if (properties != null) {
            for (Object item : properties) {
                if (item instanceof JsonObject p && p.getValue("id") instanceof String id && p.getValue("values") instanceof JsonArray values
                        && !values.isEmpty()) {
                    for (DestinationField field : DestinationField.values()) {
                        if (field.blueConicId().equals(id)) {
                            held.put(field, String.join(", ", values.stream().map(String::valueOf).toList()));
                        }
                    }
                }
            }
        }
        return held;
    }

    /**
     * The per-field comparison: {@code {"<Iterable name>": {sent, held, agrees}}} for every field sent ({@code sent}
     * null for a clear), and {@code agrees} for the whole subscriber (true when nothing was sent: nothing to disagree).
     */
    public static JsonObject compare(Map<DestinationField, Optional<String>> sent, Map<DestinationField, String> held) {
        JsonObject fields = new JsonObject();
        boolean all = true;
        for (DestinationField field : DestinationField.values()) {
            Optional<String> value = sent.get(field);
            String now = held.get(field);
            if (value == null) {
                fields.put(field.iterableName(), new JsonObject().put("sent", "(not sent: no event named it)").put("held", now)
                        .putNull("agrees"));
                continue;
            }
            boolean agrees = value.isEmpty() ? now == null : now != null && same(field, value.get(), now);
            all &= agrees;
            fields.put(field.iterableName(), new JsonObject().put("sent", value.orElse(null)).put("held", now).put("agrees", agrees));
        }
        return new JsonObject().put("agrees", all).put("fields", fields);
    }

    private static boolean same(DestinationField field, String sent, String held) {
        if (sent.equals(held)) {
            return true;
        }
        if (field == DestinationField.EXPERIMENT_ADDED_AT) {
            Instant a = instant(sent);
            Instant b = instant(held);
            return a != null && a.equals(b);
        }
        return false;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text, ITERABLE_DATE).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }
}
