package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.model.FieldModes;
import java.net.URI;

/**
 * One tenant's Iterable destination: which project (its server-side API key), which region's host,
 * and how users are identified. {@link #toString()} never shows the key.
 *
 * @param identifier {@code userId} (default) or {@code email}: the one identifier sent per user
 * @param preferUserId create unknown users by userId in email-based projects
 * @param modes how each field is written (issue 28)
 * @param erasure what an erasure does: either way the five fields of a user Iterable has are cleared (never creating
 *     one); with {@code forget} the provisioner then calls {@code POST /api/users/forget}
 */
public record IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier,
                                  boolean preferUserId, double requestsPerSecond, int maxInFlight, FieldModes modes,
                                  ErasureMode erasure) {

    public enum Identifier { USER_ID, EMAIL }

    public IterableDestination {
        erasure = erasure == null ? ErasureMode.CLEAR : erasure;
    }

    /** Erasures clear the five fields. */
    public IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier, boolean preferUserId,
                               double requestsPerSecond, int maxInFlight, FieldModes modes) {
        this(projectId, apiKey, baseUrl, identifier, preferUserId, requestsPerSecond, maxInFlight, modes, ErasureMode.CLEAR);
    }

    /** Every field {@code set_or_clear}. */
    public IterableDestination(String projectId, String apiKey, URI baseUrl, Identifier identifier, boolean preferUserId,
                               double requestsPerSecond, int maxInFlight) {
        this(projectId, apiKey, baseUrl, identifier, preferUserId, requestsPerSecond, maxInFlight, FieldModes.DEFAULT);
    }

    @Override
    public String toString() {
        return "IterableDestination[project=" + projectId + ", host=" + baseUrl + ", identifier=" + identifier + ", fields="
                + modes.describe() + ", erasure=" + erasure.wire() + "]";
    }
}
