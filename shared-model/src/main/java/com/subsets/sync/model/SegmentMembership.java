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

    /**
     * Whether {@code identifier} can name a subscriber as {@code identifierName} ({@code email} or {@code userId}), by the
     * rules an event's subscriber is held to: an e-mail address of at most 254 characters, or a userId of 1 to 256
     * characters with no control character (a NUL included) and no unpaired surrogate. A segment member failing them
     * is unmatched: it names no subscriber an event could, and PostgreSQL could not store or index it.
     */
    public static boolean isIdentifier(String identifierName, String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            return false;
        }
        boolean email = "email".equals(identifierName);
        int max = email ? EventValidator.MAX_EMAIL : EventValidator.MAX_USER_ID;
        if (identifier.length() > max * 2 || identifier.codePointCount(0, identifier.length()) > max) {
            return false;
        }
        return email ? TextRules.isEmail(identifier) : TextRules.isText(identifier);
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
