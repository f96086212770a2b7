package com.subsets.sync.iterable;

import com.subsets.sync.model.FieldModes;
import java.net.URI;

/**
 * One tenant's Iterable destination: which project (its server-side API key), which region's host,
 * and how users are identified. {@link #toString()} never shows the key.
 *
 * @param identifier {@code userId} (default) or {@code email}: the one identifier sent per user
 * @param preferUserId create unknown users by userId in email-based projects
 * @param modes how each field is written (issue 28)
 */
public record IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier,
                                  boolean preferUserId, double requestsPerSecond, int maxInFlight, FieldModes modes) {

    public enum Identifier { USER_ID, EMAIL }

    /** Every field {@code set_or_clear}. */
    public IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier, boolean preferUserId,
                               double requestsPerSecond, int maxInFlight) {
        this(projectId, apiKey, baseUrl, identifier, preferUserId, requestsPerSecond, maxInFlight, FieldModes.DEFAULT);
    }

    @Override
    public String toString() {
        return "IterableDestination[project=" + projectId + ", host=" + baseUrl + ", identifier=" + identifier + ", fields="
                + modes.describe() + "]";
    }
}
