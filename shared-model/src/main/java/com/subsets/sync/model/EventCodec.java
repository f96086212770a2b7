package com.subsets.sync.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reads and writes contract v1 events. Reading is strict: duplicate keys and trailing content are
 * malformed JSON (a repeated key must not silently replace a value), and numbers keep full precision.
 * Writing produces the canonical form: instants in UTC, absent fields left out (never null).
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final EventValidator validator = new EventValidator();
    private final ValidEventReader fastPath = new ValidEventReader();

    /** The mapper every module uses for contract JSON, configured as above. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Parses one JSON value; throws {@link MalformedJsonException} naming the position. */
    public JsonNode readTree(byte[] bytes) {
        int notUtf8 = Utf8Check.firstInvalid(bytes);
        if (notUtf8 >= 0) {
            throw MalformedJsonException.notUtf8(bytes, notUtf8);
        }
        try {
            JsonNode node = MAPPER.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new MalformedJsonException("no JSON value", 1, 1, null);
            }
            return node;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            long line = at == null ? 0 : at.getLineNr();
            long column = at == null ? 0 : at.getColumnNr();
            throw new MalformedJsonException(e.getOriginalMessage(), line, column, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses and validates one event as it arrives on Kafka. */
    public DecodeResult decode(byte[] bytes) {
        AssignmentEvent valid = Utf8Check.firstInvalid(bytes) < 0 ? fastPath.read(bytes) : null;
        if (valid != null) {
            return DecodeResult.valid(valid);
        }
        JsonNode node;
        try {
            node = readTree(bytes);
        } catch (MalformedJsonException e) {
            return DecodeResult.invalid(DecodeResult.Failure.MALFORMED_JSON, List.of(new Violation("$", e.getMessage())));
        }
        return validate(node);
    }

    /**
     * The events of a body holding one event or an array of 1 to {@code maxEvents}, when every one is
     * valid; empty otherwise, and the caller parses the tree to say what is wrong.
     */
    public Optional<List<AssignmentEvent>> decodeAllIfValid(byte[] bytes, int maxEvents) {
        return Utf8Check.firstInvalid(bytes) < 0 ? Optional.ofNullable(fastPath.readAll(bytes, maxEvents)) : Optional.empty();
    }

    /** Validates an already parsed value and, when valid, converts it. */
    public DecodeResult validate(JsonNode node) {
        List<Violation> problems = validator.validate(node);
        if (!problems.isEmpty()) {
            return DecodeResult.invalid(DecodeResult.Failure.CONTRACT_VIOLATION, problems);
        }
        return DecodeResult.valid(toEvent(node));
    }

    /** The canonical JSON of an event, written field by field: no tree is built on this hot path. */
    public byte[] encode(AssignmentEvent event) {
        ByteArrayBuilder out = new ByteArrayBuilder(384);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("eventId", event.eventId());
            json.writeStringField("type", event.type().wireName());
            json.writeStringField("tenantId", event.tenantId());
            json.writeStringField("occurredAt", Rfc3339.format(event.occurredAt()));
            json.writeObjectFieldStart("subscriber");
            writeIfPresent(json, "userId", event.subscriber().userId());
            writeIfPresent(json, "email", event.subscriber().email());
            json.writeEndObject();
            if (event.experiment() != null) {
                json.writeObjectFieldStart("experiment");
                json.writeStringField("id", event.experiment().id());
                writeIfPresent(json, "name", event.experiment().name());
                json.writeEndObject();
            }
            if (event.assignment() != null) {
                json.writeStringField("assignment", event.assignment().wireName());
            }
            if (event.addedAt() != null) {
                json.writeStringField("addedAt", Rfc3339.format(event.addedAt()));
            }
            if (event.churnRisk() != null) {
                json.writeNumberField("churnRisk", event.churnRisk());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("an event always serialises", e);
        }
        return out.toByteArray();
    }

    /** Converts a node that {@link EventValidator} accepted. */
    private static AssignmentEvent toEvent(JsonNode node) {
        JsonNode subscriber = node.get("subscriber");
        JsonNode experiment = node.get("experiment");
        return new AssignmentEvent(
                node.get("eventId").asText(),
                EventType.fromWireName(node.get("type").asText()).orElseThrow(),
                node.get("tenantId").asText(),
                instant(node.get("occurredAt")),
                new Subscriber(text(subscriber.get("userId")), text(subscriber.get("email"))),
                experiment == null ? null : new Experiment(experiment.get("id").asText(), text(experiment.get("name"))),
                node.has("assignment") ? Assignment.fromWireName(node.get("assignment").asText()).orElseThrow() : null,
                node.has("addedAt") ? instant(node.get("addedAt")) : null,
                node.has("churnRisk") ? node.get("churnRisk").decimalValue() : null);
    }

    private static Instant instant(JsonNode node) {
        return Rfc3339.parse(node.asText());
    }

    private static String text(JsonNode node) {
        return node == null ? null : node.asText();
    }

    private static void writeIfPresent(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }
}
