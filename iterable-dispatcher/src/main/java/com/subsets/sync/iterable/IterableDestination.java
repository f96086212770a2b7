package com.subsets.sync.iterable;

import java.net.URI;

/**
 * One tenant's Iterable destination: which project (its server-side API key), which region's host,
 * and how users are identified. {@link #toString()} never shows the key.
 *
 * @param identifier {@code userId} (default) or {@code email}: the one identifier sent per user
 * @param preferUserId create unknown users by userId in email-based projects
 */
public record IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier,
                                  boolean preferUserId, double requestsPerSecond, int maxInFlight) {

    public enum Identifier { USER_ID, EMAIL }

    /** Iterable's regions; a key works only in its own. */
    public static URI regionUrl(String region) {
        return switch (region) {
            case "us" -> URI.create("https://api.iterable.com");
            case "eu" -> URI.create("https://api.eu.iterable.com");
            default -> throw new IllegalArgumentException("region must be us or eu, was " + region);
        };
    }

    @Override
    public String toString() {
        return "IterableDestination[project=" + projectId + ", host=" + baseUrl + ", identifier=" + identifier + "]";
    }
}
