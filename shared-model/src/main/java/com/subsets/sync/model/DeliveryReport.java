package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * What a dispatcher tells the provisioner about one tenant's deliveries over a short window, on
 * {@link Topics#DELIVERY_REPORTS} keyed by tenant: profiles updated, profiles the destination rejected,
 * records dead-lettered, the last success and the last error in the destination's own words. The
 * report id lets the provisioner count a redelivered report once.
 *
 * <p>Version 2 adds, for the run history, a sketch of the distinct subscribers updated in the window
 * ({@link UniqueSubscribers}, {@value UniqueSubscribers#STATE_BYTES} bytes, base64) and the last
 * {@value #LAST_UPDATED_MAX} subscribers updated, newest first: at most about 6 KB more, whatever the window held.
 * Version 1 readers ignore both; a version 1 report reads with neither (null sketch, empty list).
 */
public record DeliveryReport(String reportId, String tenantId, String destination, Instant windowEnd, long updated,
                             long rejected, long deadLettered, Instant lastSuccessAt, LastError lastError,
                             byte[] uniqueSketch, List<Updated> lastUpdated) {

    public static final int VERSION = 2;
    public static final int LAST_UPDATED_MAX = 5;

    /** The latest failure of the window: when, its stable reason label, the destination's text. */
    public record LastError(Instant at, String reason, String message) {
    }

    /** A subscriber updated at {@code at}, by its identifiers (either may be null). */
    public record Updated(String userId, String email, Instant at) {
        /** One subscriber: the same userId, or without userIds the same e-mail (as state keys are). */
        public String subscriberKey() {
            return userId != null ? "u\u001F" + userId : "e\u001F" + email;
        }

        public boolean sameSubscriber(Updated other) {
            return subscriberKey().equals(other.subscriberKey());
        }
    }

    public DeliveryReport {
        lastUpdated = lastUpdated == null ? List.of() : List.copyOf(lastUpdated);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static DeliveryReport create(String tenantId, String destination, Instant windowEnd, long updated, long rejected,
                                        long deadLettered, Instant lastSuccessAt, LastError lastError) {
        return create(tenantId, destination, windowEnd, updated, rejected, deadLettered, lastSuccessAt, lastError, null, List.of());
    }

    public static DeliveryReport create(String tenantId, String destination, Instant windowEnd, long updated, long rejected,
                                        long deadLettered, Instant lastSuccessAt, LastError lastError, byte[] uniqueSketch,
                                        List<Updated> lastUpdated) {
        return new DeliveryReport(UUID.randomUUID().toString(), tenantId, destination, windowEnd, updated, rejected,
                deadLettered, lastSuccessAt, lastError, uniqueSketch, lastUpdated);
    }

    public byte[] encode() {
        ObjectNode node = MAPPER.createObjectNode()
                .put("version", VERSION).put("reportId", reportId).put("tenantId", tenantId).put("destination", destination)
                .put("windowEnd", windowEnd.toString()).put("updated", updated).put("rejected", rejected)
                .put("deadLettered", deadLettered)
                .put("lastSuccessAt", lastSuccessAt == null ? null : lastSuccessAt.toString());
        if (lastError != null) {
            node.putObject("lastError").put("at", lastError.at().toString()).put("reason", lastError.reason())
                    .put("message", lastError.message());
        }
        if (uniqueSketch != null) {
            node.put("uniqueSketch", Base64.getEncoder().encodeToString(uniqueSketch));
        }
        ArrayNode last = node.putArray("lastUpdated");
        lastUpdated.stream().limit(LAST_UPDATED_MAX).forEach(u -> last.addObject()
                .put("userId", u.userId()).put("email", u.email()).put("at", u.at().toString()));
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a report always encodes", e);
        }
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static DeliveryReport decode(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            JsonNode error = node.path("lastError");
            return new DeliveryReport(UUID.fromString(text(node, "reportId")).toString(), text(node, "tenantId"),
                    text(node, "destination"), Instant.parse(text(node, "windowEnd")), node.path("updated").asLong(),
                    node.path("rejected").asLong(), node.path("deadLettered").asLong(),
                    node.hasNonNull("lastSuccessAt") ? Instant.parse(node.get("lastSuccessAt").asText()) : null,
                    error.isObject() ? new LastError(Instant.parse(text(error, "at")), text(error, "reason"),
                            error.path("message").asText("")) : null,
                    node.hasNonNull("uniqueSketch") ? sketch(node.get("uniqueSketch").asText()) : null, lastUpdated(node));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a delivery report: " + e.getMessage(), e);
        }
    }

    /**
     * The newest {@value #LAST_UPDATED_MAX} distinct subscribers of both lists (one subscriber: one userId, else one
     * e-mail), each at its latest time, newest first.
     */
    public static List<Updated> newest(List<Updated> a, List<Updated> b) {
        java.util.Map<String, Updated> bySubscriber = new java.util.HashMap<>();
        java.util.stream.Stream.concat(a.stream(), b.stream()).forEach(u -> bySubscriber.merge(
                u.subscriberKey(), u,
                (x, y) -> y.at().isAfter(x.at()) ? y : x));
        return bySubscriber.values().stream()
                .sorted(java.util.Comparator.comparing(Updated::at).reversed()
                        .thenComparing(u -> u.userId() == null ? "" : u.userId())
                        .thenComparing(u -> u.email() == null ? "" : u.email()))
                .limit(LAST_UPDATED_MAX).toList();
    }

    private static byte[] sketch(String base64) {
        byte[] state = Base64.getDecoder().decode(base64);
        UniqueSubscribers.of(state); // refuses a sketch of another size
        return state;
    }

    private static List<Updated> lastUpdated(JsonNode node) {
        List<Updated> out = new ArrayList<>();
        for (JsonNode u : node.path("lastUpdated")) {
            if (out.size() == LAST_UPDATED_MAX) {
                break;
            }
            String userId = u.hasNonNull("userId") ? u.get("userId").asText() : null;
            String email = u.hasNonNull("email") ? u.get("email").asText() : null;
            if (userId == null && email == null) {
                throw new IllegalArgumentException("lastUpdated entry without userId or email");
            }
            out.add(new Updated(userId, email, Instant.parse(text(u, "at"))));
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return node.get(field).asText();
    }
}
