package com.subsets.sync.state.core;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.Rfc3339;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A subscriber's state as JSON, in the state store and on {@code subsets.subscriber-state.v1}:
 * {@code {"tenantId":"acme","subscriber":{"userId":"u-1","email":"ada@example.com"},
 * "fields":{"subsetsExperimentId":{"value":"exp-42","occurredAt":"2026-11-22T09:59:00Z","offset":17,"eventId":"e-1"}, ...}}}.
 * A cleared field is explicit ({@code "value": null}); a field no event ever named is absent. Field names
 * are Iterable's (the catalog's names), values the strings both vendors store.
 */
public final class StateCodec {

    private StateCodec() {
    }

    public static byte[] encode(SubscriberKey key, SubscriberState state) {
        ByteArrayBuilder out = new ByteArrayBuilder(512);
        try (JsonGenerator json = EventCodec.mapper().getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("tenantId", key.tenantId());
            json.writeObjectFieldStart("subscriber");
            if (key.userId() != null) {
                json.writeStringField("userId", key.userId());
            }
            if (key.email() != null) {
                json.writeStringField("email", key.email());
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
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return out.toByteArray();
    }

    /** The state this service wrote; throws on anything else (the store holds only what {@link #encode} wrote). */
    public static SubscriberState decode(byte[] bytes) {
        try {
            JsonNode fields = EventCodec.mapper().readTree(bytes).path("fields");
            Map<DestinationField, FieldFact> facts = new EnumMap<>(DestinationField.class);
            for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                JsonNode fact = entry.getValue();
                facts.put(field(entry.getKey()), new FieldFact(fact.path("value").isNull() ? null : fact.path("value").asText(),
                        Rfc3339.parse(fact.path("occurredAt").asText()), fact.path("offset").asLong(), fact.path("eventId").asText()));
            }
            return SubscriberState.of(facts);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored state is not JSON", e);
        }
    }

    private static DestinationField field(String iterableName) {
        for (DestinationField field : DestinationField.values()) {
            if (field.iterableName().equals(iterableName)) {
                return field;
            }
        }
        throw new IllegalArgumentException("unknown field " + iterableName);
    }
}
