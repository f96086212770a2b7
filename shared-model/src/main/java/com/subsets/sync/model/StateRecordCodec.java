package com.subsets.sync.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@link StateRecord} as JSON:
 * {@code {"tenantId":"acme","subscriber":{"userId":"u-1","email":"ada@example.com"},
 * "fields":{"subsetsExperimentId":{"value":"exp-42","occurredAt":"2026-11-22T09:59:00Z","offset":17,"eventId":"e-1"}, ...}}}.
 * Field names are the catalog's (Iterable's) names. Reading is strict, as for events: a record of any other
 * shape is refused with what is wrong, so a dispatcher only ever delivers a state it understood.
 */
public final class StateRecordCodec {

    /** Strict JSON reading (UTF-8 only, no repeated keys), shared: it holds no state of its own. */
    private static final EventCodec JSON = new EventCodec();

    private StateRecordCodec() {
    }

    public static byte[] encode(StateRecord state) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = EventCodec.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("tenantId", state.tenantId());
            json.writeObjectFieldStart("subscriber");
            if (state.subscriber().userId() != null) {
                json.writeStringField("userId", state.subscriber().userId());
            }
            if (state.subscriber().email() != null) {
                json.writeStringField("email", state.subscriber().email());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("fields");
            for (Map.Entry<DestinationField, FieldFact> entry : state.fields().entrySet()) {
                FieldFact fact = entry.getValue();
                json.writeObjectFieldStart(entry.getKey().iterableName());
                json.writeStringField("value", fact.value());
                json.writeStringField("occurredAt", Rfc3339.format(fact.occurredAt()));
                json.writeNumberField("offset", fact.offset());
                json.writeStringField("eventId", fact.eventId());
                if (fact.memory() != null) {
                    writeMemory(json, fact.memory());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return out.toByteArray();
    }

    /**
     * {@code "seen":[["exp-1","2026-11-22T09:59:00Z",3], ...]} (value, event time, offset; oldest first) and, only when it
     * is not the first of them, {@code "first":["exp-0","2026-11-21T08:00:00Z",1]}: arrays, not objects, to keep the
     * record short (every state write and every dispatcher read pays for it; bench/state.sh).
     */
    private static void writeMemory(JsonGenerator json, FieldMemory memory) throws IOException {
        if (memory.first() != null && (memory.seen().isEmpty() || !memory.first().equals(memory.seen().get(0)))) {
            json.writeFieldName("first");
            writeSeen(json, memory.first());
        }
        json.writeArrayFieldStart("seen");
        for (FieldMemory.Seen seen : memory.seen()) {
            writeSeen(json, seen);
        }
        json.writeEndArray();
    }

    private static void writeSeen(JsonGenerator json, FieldMemory.Seen seen) throws IOException {
        json.writeStartArray();
        json.writeString(seen.value());
        json.writeString(Rfc3339.format(seen.occurredAt()));
        json.writeNumber(seen.offset());
        json.writeEndArray();
    }

    /** The state these bytes hold; {@link IllegalArgumentException} naming what is wrong otherwise. */
    public static StateRecord decode(byte[] bytes) {
        StateRecord record = Utf8Check.firstInvalid(bytes) < 0 ? StateRecordReader.read(bytes) : null;
        return record != null ? record : decodeTree(bytes);
    }

    /** The strict reading through a tree: what {@link StateRecordReader} leaves, and the judge of what it reads. */
    static StateRecord decodeTree(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (MalformedJsonException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        String tenantId = text(root, "tenantId", "tenantId");
        if (!TextRules.isTenantId(tenantId)) {
            throw new IllegalArgumentException("tenantId: not a tenant id");
        }
        JsonNode subscriber = root.path("subscriber");
        String userId = optionalText(subscriber, "userId", "subscriber.userId");
        String email = optionalText(subscriber, "email", "subscriber.email");
        if (userId == null && email == null) {
            throw new IllegalArgumentException("subscriber: needs userId and/or email");
        }
        JsonNode fields = root.path("fields");
        if (!fields.isObject()) {
            throw new IllegalArgumentException("fields: must be an object");
        }
        Map<DestinationField, FieldFact> facts = new EnumMap<>(DestinationField.class);
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String at = "fields." + entry.getKey();
            DestinationField field = field(entry.getKey(), at);
            JsonNode fact = entry.getValue();
            if (!fact.isObject() || !fact.has("value") || !(fact.get("value").isNull() || fact.get("value").isTextual())) {
                throw new IllegalArgumentException(at + ": needs a value, a string or null");
            }
            Instant occurredAt = Rfc3339.parse(text(fact, "occurredAt", at + ".occurredAt"));
            if (occurredAt == null) {
                throw new IllegalArgumentException(at + ".occurredAt: not an instant");
            }
            if (!fact.path("offset").canConvertToLong()) {
                throw new IllegalArgumentException(at + ".offset: must be an integer");
            }
            facts.put(field, new FieldFact(fact.get("value").isNull() ? null : fact.get("value").asText(), occurredAt,
                    fact.get("offset").asLong(), text(fact, "eventId", at + ".eventId"), memory(fact, at)));
        }
        return new StateRecord(tenantId, new Subscriber(userId, email), facts);
    }

    /**
     * The field's memory, or null when the record has none (written before it existed, or the current fact says it
     * all). Without {@code first} the first value is the oldest of {@code seen}.
     */
    static FieldMemory memory(JsonNode fact, String at) {
        JsonNode first = fact.get("first");
        JsonNode seen = fact.get("seen");
        if (first == null && seen == null) {
            return null;
        }
        List<FieldMemory.Seen> values = new ArrayList<>();
        if (seen != null) {
            if (!seen.isArray()) {
                throw new IllegalArgumentException(at + ".seen: must be an array");
            }
            for (int i = 0; i < seen.size(); i++) {
                values.add(seen(seen.get(i), at + ".seen[" + i + "]"));
            }
        }
        FieldMemory.Seen firstSeen = first != null ? seen(first, at + ".first") : values.isEmpty() ? null : values.get(0);
        return new FieldMemory(firstSeen, values);
    }

    /** {@code [value, occurredAt, offset]}. */
    private static FieldMemory.Seen seen(JsonNode seen, String at) {
        if (!seen.isArray() || seen.size() != 3 || !seen.get(0).isTextual() || !seen.get(1).isTextual()
                || !seen.get(2).canConvertToLong()) {
            throw new IllegalArgumentException(at + ": must be [value, occurredAt, offset]");
        }
        Instant occurredAt = Rfc3339.parse(seen.get(1).asText());
        if (occurredAt == null) {
            throw new IllegalArgumentException(at + ": occurredAt is not an instant");
        }
        return new FieldMemory.Seen(seen.get(0).asText(), occurredAt, seen.get(2).asLong());
    }

    private static String text(JsonNode object, String name, String at) {
        JsonNode value = object.path(name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(at + ": must be a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode object, String name, String at) {
        JsonNode value = object.path(name);
        if (value.isMissingNode()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(at + ": must be a string");
        }
        return value.asText();
    }

    private static DestinationField field(String iterableName, String at) {
        DestinationField field = DestinationField.byIterableName(iterableName);
        if (field == null) {
            throw new IllegalArgumentException(at + ": not one of the five fields");
        }
        return field;
    }
}
