package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A subscriber entered or left a followed BlueConic segment, on {@link Topics#SEGMENT_MEMBERSHIPS} keyed by tenant
 * (schema {@code contract/segment-membership.v1.schema.json}). {@code identifierName} is {@code email} or
 * {@code userId}: how the tenant's BlueConic destination matches profiles to subscribers.
 */
public record SegmentMembership(String changeId, String tenantId, String segmentId, String segmentName, String identifierName,
                                String identifier, Change change, Instant observedAt) {

    public enum Change {
        ENTERED, EXITED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A change seen by the read identified by {@code readId}: its id is the same however often it is published. */
    public static SegmentMembership of(String tenantId, String segmentId, String segmentName, String identifierName, String identifier,
                                       Change change, Instant observedAt, String readId) {
        return new SegmentMembership(changeId(tenantId, segmentId, identifier, change, readId), tenantId, segmentId, segmentName,
                identifierName, identifier, change, observedAt);
    }

    private static String changeId(String tenantId, String segmentId, String identifier, Change change, String readId) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {tenantId, segmentId, identifier, change.wireName(), readId}) {
                digest.update(part.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    public byte[] encode() {
        ObjectNode node = MAPPER.createObjectNode().put("schemaVersion", 1).put("changeId", changeId).put("tenantId", tenantId)
                .put("segmentId", segmentId).put("segmentName", segmentName);
        node.putObject("subscriber").put(identifierName, identifier);
        node.put("change", change.wireName()).put("observedAt", observedAt.toString());
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("a membership change always encodes", e);
        }
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    public static SegmentMembership decode(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            JsonNode subscriber = node.path("subscriber");
            String name = subscriber.has("email") ? "email" : "userId";
            return new SegmentMembership(node.path("changeId").asText(), node.path("tenantId").asText(), node.path("segmentId").asText(),
                    node.path("segmentName").asText(), name, subscriber.path(name).asText(),
                    Change.valueOf(node.path("change").asText().toUpperCase(java.util.Locale.ROOT)),
                    Instant.parse(node.path("observedAt").asText()));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a segment membership change: " + e.getMessage(), e);
        }
    }
}
