package com.subsets.sync.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a destination made of the rows of one request, once its answer was known: a diagnostic record on
 * {@link Topics#SUBSCRIBER_DELIVERIES}, keyed by tenant, which the provisioner folds into one row per subscriber and
 * destination for support staff ("why does this subscriber not have their experiment in Iterable?"). One record per
 * answer (split at {@code maxBytes}), not per row: a row costs its encoding only, not a Kafka record of its own
 * (see the README, <i>One subscriber's story</i>, for the measured cost).
 *
 * @param destination the destination kind ({@code iterable}, {@code blueconic})
 * @param at when the answer was known
 */
public record SubscriberDeliveries(String tenantId, String destination, Instant at, List<Row> rows) {

    public static final int VERSION = 1;
    /** The vendor's words kept per row. */
    public static final int MAX_DETAIL_CHARS = 1000;
    private static final int MAX_REASON_CHARS = 64;
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper(JSON);
    private static final DestinationField[] FIELDS = DestinationField.values();

    /** What the destination made of the row. */
    public enum Outcome {
        /** The vendor took the values. */
        ACCEPTED("accepted"),
        /** The vendor rightly did not write them (e.g. BlueConic's consent mismatch): counted, not dead-lettered. */
        SKIPPED("skipped"),
        /** Refused for good, or given up on: on the dead-letter topic with the reason. */
        DEAD_LETTERED("dead_lettered");

        private final String wire;

        Outcome(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Outcome ofWire(String wire) {
            for (Outcome o : values()) {
                if (o.wire.equals(wire)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome " + wire);
        }
    }

    /**
     * One subscriber's row.
     *
     * @param fields the fields as sent ({@link FieldValue#CLEAR}: cleared)
     * @param reason a stable label (the dead-letter reason; the outcome's name when accepted)
     * @param detail the vendor's own words, at most {@value #MAX_DETAIL_CHARS} characters (empty when accepted)
     * @param erasureId the erasure this row carried out ({@link Erasure#erasureId()}), or null for a row of values: the
     *                  provisioner records it as the erasure's outcome at this destination, never as a delivery
     */
    public record Row(Subscriber subscriber, Outcome outcome, String reason, String detail, Map<DestinationField, FieldValue> fields,
                      String erasureId) {

        public Row(Subscriber subscriber, Outcome outcome, String reason, String detail, Map<DestinationField, FieldValue> fields) {
            this(subscriber, outcome, reason, detail, fields, null);
        }

        public Row {
            if (subscriber == null || outcome == null) {
                throw new IllegalArgumentException("a row needs a subscriber and an outcome");
            }
            reason = reason == null || reason.isEmpty() ? outcome.wire() : abbreviate(reason, MAX_REASON_CHARS);
            detail = detail == null ? "" : abbreviate(detail, MAX_DETAIL_CHARS);
            fields = fields == null ? Map.of() : fields;
        }

        /** The subscriber's state-topic key ({@link SubscriberKey#ofState}). */
        public String stateKey(String tenantId) {
            return SubscriberKey.ofState(tenantId, subscriber).encode();
        }

        /** The fields by Iterable name (the name the state records carry), null for a cleared one. */
        public Map<String, String> values() {
            Map<String, String> values = new java.util.LinkedHashMap<>();
            fields.forEach((field, value) -> values.put(field.iterableName(), value.value()));
            return values;
        }
    }

    public SubscriberDeliveries {
        if (tenantId == null || destination == null || at == null) {
            throw new IllegalArgumentException("tenantId, destination and at are required");
        }
        rows = rows == null ? List.of() : Collections.unmodifiableList(rows);
    }

    /**
     * The answer as records of at most about {@code maxBytes} each (a row is at most a few KB: its identifiers,
     * five bounded values and the bounded words), in the rows' order.
     */
    public static List<byte[]> encode(String tenantId, String destination, Instant at, List<Row> rows, int maxBytes) {
        List<byte[]> records = new ArrayList<>(1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 256 + rows.size() * 200));
        String when = at.toString();
        try {
            JsonGenerator json = null;
            for (Row row : rows) {
                if (json == null) {
                    json = JSON.createGenerator(out);
                    json.writeStartObject();
                    json.writeNumberField("version", VERSION);
                    json.writeStringField("tenantId", tenantId);
                    json.writeStringField("destination", destination);
                    json.writeStringField("at", when);
                    json.writeArrayFieldStart("fields");
                    for (DestinationField field : FIELDS) {
                        json.writeString(field.iterableName());
                    }
                    json.writeEndArray();
                    json.writeArrayFieldStart("rows");
                }
                writeRow(json, row);
                json.flush();
                if (out.size() >= maxBytes) {
                    records.add(finish(json, out));
                    json = null;
                }
            }
            if (json != null) {
                records.add(finish(json, out));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("an answer always encodes", e);
        }
        return records;
    }

    /**
     * A row as a JSON array, compact because an answer holds up to 1,000 of them: {@code [userId, email, outcome,
     * values]} when accepted, {@code [userId, email, outcome, values, reason, detail]} otherwise, and
     * {@code [userId, email, outcome, values, reason, detail, erasureId]} for a row that carried out an erasure; {@code values} has
     * one slot per name of the record's {@code fields} list: the value sent, {@code null} (cleared), or {@code false}
     * (not sent: the row did not carry that field).
     */
    private static void writeRow(JsonGenerator json, Row row) throws IOException {
        json.writeStartArray();
        json.writeString(row.subscriber().userId());
        json.writeString(row.subscriber().email());
        json.writeString(row.outcome().wire());
        json.writeStartArray();
        for (DestinationField field : FIELDS) {
            FieldValue value = row.fields().get(field);
            if (value == null) {
                json.writeBoolean(false);
            } else {
                json.writeString(value.value());
            }
        }
        json.writeEndArray();
        if (row.outcome() != Outcome.ACCEPTED || row.erasureId() != null) {
            json.writeString(row.reason());
            json.writeString(row.detail());
        }
        if (row.erasureId() != null) {
            json.writeString(row.erasureId());
        }
        json.writeEndArray();
    }

    private static byte[] finish(JsonGenerator json, ByteArrayOutputStream out) throws IOException {
        json.writeEndArray();
        json.writeEndObject();
        json.close();
        byte[] bytes = out.toByteArray();
        out.reset();
        return bytes;
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static SubscriberDeliveries decode(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            List<DestinationField> names = new ArrayList<>();
            for (JsonNode name : node.path("fields")) {
                DestinationField field = DestinationField.byIterableName(name.asText());
                if (field == null) {
                    throw new IllegalArgumentException("unknown field " + name.asText());
                }
                names.add(field);
            }
            List<Row> rows = new ArrayList<>();
            for (JsonNode r : node.path("rows")) {
                if (!r.isArray() || r.size() < 4) {
                    throw new IllegalArgumentException("a row is an array of at least 4 items");
                }
                JsonNode values = r.get(3);
                if (values.size() != names.size()) {
                    throw new IllegalArgumentException("a row has " + values.size() + " values for " + names.size() + " fields");
                }
                Map<DestinationField, FieldValue> fields = new EnumMap<>(DestinationField.class);
                for (int i = 0; i < names.size(); i++) {
                    JsonNode value = values.get(i);
                    if (value.isNull()) {
                        fields.put(names.get(i), FieldValue.CLEAR);
                    } else if (value.isTextual()) {
                        fields.put(names.get(i), FieldValue.set(value.asText()));
                    }
                }
                rows.add(new Row(new Subscriber(r.get(0).isNull() ? null : r.get(0).asText(), r.get(1).isNull() ? null : r.get(1).asText()),
                        Outcome.ofWire(r.get(2).asText()), r.path(4).asText(null), r.path(5).asText(""), fields, r.path(6).asText(null)));
            }
            return new SubscriberDeliveries(text(node, "tenantId"), text(node, "destination"), Instant.parse(text(node, "at")), rows);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a subscriber deliveries record: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(name + " missing");
        }
        return value.asText();
    }

    /** At most {@code max} characters, never splitting a surrogate pair, marked with an ellipsis when cut. */
    static String abbreviate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }
}
