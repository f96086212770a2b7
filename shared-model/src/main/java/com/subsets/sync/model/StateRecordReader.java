package com.subsets.sync.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a state record straight off the JSON token stream, for the common case: a record as
 * {@link StateRecordCodec#encode} writes it. It accepts a subset of what the tree path accepts (no
 * property it does not know, offsets as JSON integers) and builds the same record; at anything else it
 * gives up with null and the caller takes the tree path, which accepts or names what is wrong.
 * {@code StateRecordReaderTest} holds the two paths to the same record on thousands of mutations.
 * Reading the stored state through a tree was the largest single cost of applying an event
 * (a profile of bench/state.sh); every dispatcher reads each record once more.
 */
final class StateRecordReader {

    /** No duplicate detection (a map per object): a repeated property makes the reader give up, and the tree path refuses it. */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private StateRecordReader() {
    }

    /** The record {@code bytes} hold (valid UTF-8, checked by the caller), or null when the tree path must decide. */
    static StateRecord read(byte[] bytes) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            StateRecord record = parser.nextToken() == JsonToken.START_OBJECT ? readRecord(parser) : null;
            return record != null && parser.nextToken() == null ? record : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static StateRecord readRecord(JsonParser parser) throws IOException {
        String tenantId = null;
        Subscriber subscriber = null;
        Map<DestinationField, FieldFact> fields = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            switch (parser.currentName()) {
                case "tenantId" -> {
                    if (tenantId != null || (tenantId = text(parser)) == null || !TextRules.isTenantId(tenantId)) {
                        return null;
                    }
                }
                case "subscriber" -> {
                    if (subscriber != null || (subscriber = subscriber(parser)) == null) {
                        return null;
                    }
                }
                case "fields" -> {
                    if (fields != null || (fields = fields(parser)) == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return tenantId == null || subscriber == null || fields == null ? null : new StateRecord(tenantId, subscriber, fields);
    }

    private static Subscriber subscriber(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String userId = null;
        String email = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            switch (parser.currentName()) {
                case "userId" -> {
                    if (userId != null || (userId = text(parser)) == null) {
                        return null;
                    }
                }
                case "email" -> {
                    if (email != null || (email = text(parser)) == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        return userId == null && email == null ? null : new Subscriber(userId, email);
    }

    private static Map<DestinationField, FieldFact> fields(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        Map<DestinationField, FieldFact> fields = new EnumMap<>(DestinationField.class);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            DestinationField field = DestinationField.byIterableName(parser.currentName());
            FieldFact fact;
            if (field == null || fields.containsKey(field) || (fact = fact(parser)) == null) {
                return null;
            }
            fields.put(field, fact);
        }
        return fields;
    }

    /** A fact with its four properties, each once: value (a string or null), occurredAt, offset (an integer), eventId. */
    private static FieldFact fact(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String value = null;
        boolean hasValue = false;
        Instant occurredAt = null;
        Long offset = null;
        String eventId = null;
        FieldMemory.Seen first = null;
        List<FieldMemory.Seen> seen = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            switch (parser.currentName()) {
                case "value" -> {
                    JsonToken token = parser.nextToken();
                    if (hasValue || token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                        return null;
                    }
                    hasValue = true;
                    value = token == JsonToken.VALUE_NULL ? null : parser.getText();
                }
                case "occurredAt" -> {
                    String text;
                    if (occurredAt != null || (text = text(parser)) == null || (occurredAt = Rfc3339.parse(text)) == null) {
                        return null;
                    }
                }
                case "offset" -> {
                    if (offset != null || parser.nextToken() != JsonToken.VALUE_NUMBER_INT
                            || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    offset = parser.getLongValue();
                }
                case "eventId" -> {
                    if (eventId != null || (eventId = text(parser)) == null) {
                        return null;
                    }
                }
                case "first" -> {
                    if (first != null || (first = seen(parser)) == null) {
                        return null;
                    }
                }
                case "seen" -> {
                    if (seen != null || (seen = seenList(parser)) == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
        }
        if (!hasValue || occurredAt == null || offset == null || eventId == null) {
            return null;
        }
        FieldMemory memory = first == null && seen == null ? null
                : new FieldMemory(first != null ? first : seen.isEmpty() ? null : seen.get(0), seen == null ? List.of() : seen);
        return new FieldFact(value, occurredAt, offset, eventId, memory);
    }

    private static List<FieldMemory.Seen> seenList(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_ARRAY) {
            return null;
        }
        List<FieldMemory.Seen> seen = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.START_ARRAY) {
            FieldMemory.Seen one = seenBody(parser);
            if (one == null) {
                return null;
            }
            seen.add(one);
        }
        return token == JsonToken.END_ARRAY ? seen : null;
    }

    private static FieldMemory.Seen seen(JsonParser parser) throws IOException {
        return parser.nextToken() == JsonToken.START_ARRAY ? seenBody(parser) : null;
    }

    /** {@code [value, occurredAt, offset]}, its array already opened: a string, an instant, an integer. */
    private static FieldMemory.Seen seenBody(JsonParser parser) throws IOException {
        String value = text(parser);
        String time = value == null ? null : text(parser);
        Instant occurredAt = time == null ? null : Rfc3339.parse(time);
        if (occurredAt == null || parser.nextToken() != JsonToken.VALUE_NUMBER_INT
                || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return null;
        }
        long offset = parser.getLongValue();
        return parser.nextToken() == JsonToken.END_ARRAY ? new FieldMemory.Seen(value, occurredAt, offset) : null;
    }

    /** The next value if it is a string; null for anything else (the caller gives up). */
    private static String text(JsonParser parser) throws IOException {
        return parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
    }
}
