package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;

/**
 * One subscriber forgotten (a {@code subscriber.erased} event, applied by the subscriber-state service): the erasure's
 * id (the event's eventId), its tenant, when it was asked for (the event's occurredAt), and the subscriber by every
 * identifier the state service knew of theirs.
 *
 * <p>It travels twice, as the same JSON: as the value of {@link Topics#ERASURES}, and as the {@value #HEADER} header of
 * each tombstone the state service writes on {@link Topics#SUBSCRIBER_STATE} for the subscriber's keys, which tells a
 * dispatcher that the tombstone is an erasure to carry out (a tombstone without it is a state merged into another).
 * Both live as long as the identifiers in the record key do: the topic's retention, the tombstone's
 * {@code delete.retention.ms}.
 */
public record Erasure(String erasureId, String tenantId, Instant erasedAt, Subscriber subscriber) {

    /** The state-topic tombstone header that carries an erasure. */
    public static final String HEADER = "subsets-erasure";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public Erasure {
        Objects.requireNonNull(erasureId, "erasureId");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(erasedAt, "erasedAt");
        Objects.requireNonNull(subscriber, "subscriber");
    }

    /** The erasure a {@code subscriber.erased} event asks for, naming the subscriber as the event does. */
    public static Erasure of(AssignmentEvent event) {
        if (event.type() != EventType.ERASED) {
            throw new IllegalArgumentException("not a subscriber.erased event: " + event.type().wireName());
        }
        return new Erasure(event.eventId(), event.tenantId(), event.occurredAt(), event.subscriber());
    }

    public byte[] encode() {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("erasureId", erasureId);
        json.put("tenantId", tenantId);
        json.put("erasedAt", erasedAt.toString());
        ObjectNode who = json.putObject("subscriber");
        if (subscriber.userId() != null) {
            who.put("userId", subscriber.userId());
        }
        if (subscriber.email() != null) {
            who.put("email", subscriber.email());
        }
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (IOException e) {
            throw new IllegalStateException("an erasure always encodes", e);
        }
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static Erasure decode(byte[] bytes) {
        try {
            JsonNode json = MAPPER.readTree(bytes);
            if (json == null || !json.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            JsonNode who = json.path("subscriber");
            return new Erasure(text(json, "erasureId"), text(json, "tenantId"), Instant.parse(text(json, "erasedAt")),
                    new Subscriber(who.path("userId").asText(null), who.path("email").asText(null)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an erasure record: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode json, String name) {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException(name + " missing");
        }
        return value.asText();
    }
}
