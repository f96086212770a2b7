package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
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

    /** What the state sends per field: present with a value, present with null (a clear), or absent (not sent). */
    public static Map<DestinationField, Optional<String>> sent(StateRecord state) {
        Map<DestinationField, Optional<String>> sent = new EnumMap<>(DestinationField.class);
        if (state != null) {
            for (Map.Entry<DestinationField, FieldFact> e : state.fields().entrySet()) {
                sent.put(e.getKey(), Optional.ofNullable(e.getValue().value()));
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
            held.put(field, value == null ? null : String.valueOf(value));
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
