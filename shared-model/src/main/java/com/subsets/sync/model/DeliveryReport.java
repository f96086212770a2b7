package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

/**
 * What a dispatcher tells the provisioner about one tenant's deliveries over a short window, on
 * {@link Topics#DELIVERY_REPORTS} keyed by tenant: profiles updated, profiles the destination rejected,
 * records dead-lettered, the last success and the last error in the destination's own words. The
 * report id lets the provisioner count a redelivered report once.
 */
public record DeliveryReport(String reportId, String tenantId, String destination, Instant windowEnd, long updated,
                             long rejected, long deadLettered, Instant lastSuccessAt, LastError lastError) {

    /** The latest failure of the window: when, its stable reason label, the destination's text. */
    public record LastError(Instant at, String reason, String message) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public static DeliveryReport create(String tenantId, String destination, Instant windowEnd, long updated, long rejected,
                                        long deadLettered, Instant lastSuccessAt, LastError lastError) {
        return new DeliveryReport(UUID.randomUUID().toString(), tenantId, destination, windowEnd, updated, rejected,
                deadLettered, lastSuccessAt, lastError);
    }

    public byte[] encode() {
        ObjectNode node = MAPPER.createObjectNode()
                .put("reportId", reportId).put("tenantId", tenantId).put("destination", destination)
                .put("windowEnd", windowEnd.toString()).put("updated", updated).put("rejected", rejected)
                .put("deadLettered", deadLettered)
                .put("lastSuccessAt", lastSuccessAt == null ? null : lastSuccessAt.toString());
        if (lastError != null) {
            node.putObject("lastError").put("at", lastError.at().toString()).put("reason", lastError.reason())
                    .put("message", lastError.message());
        }
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
                            error.path("message").asText("")) : null);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a delivery report: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        if (!node.hasNonNull(field)) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return node.get(field).asText();
    }
}
