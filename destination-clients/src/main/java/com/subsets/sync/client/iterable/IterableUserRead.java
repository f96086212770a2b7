package com.subsets.sync.client.iterable;

import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Reading one Iterable user: {@code GET /api/users/byUserId/{userId}} or {@code GET /api/users/getByEmail?email=}, which
 * answer 200 with {@code {"user": {...}}}, or {@code {}} when there is no such user. Used by the provisioner's test
 * delivery (reading users back) and by the dispatchers' erasures (a user is looked up before its fields are cleared,
 * so a clear never creates one).
 */
public final class IterableUserRead {

    /**
     * At most 20 reads a second from one process: Iterable documents 100 requests/s per project for these reads, so
     * five replicas reading at once stay within it.
     */
    public static final long GAP_MS = 50;

    private IterableUserRead() {
    }

    /** The read's URL for a user identified by e-mail ({@code byEmail}) or by userId. */
    public static String url(String baseUrl, boolean byEmail, String identifier) {
        String base = baseUrl.replaceAll("/+$", "");
        return byEmail ? base + "/api/users/getByEmail?email=" + encode(identifier)
                : base + "/api/users/byUserId/" + encode(identifier).replace("+", "%20");
    }

    /** The user in a 200 answer's body, or null when Iterable has no such user ({@code {}}). */
    public static JsonObject userOf(JsonObject body) {
        return body != null && body.getValue("user") instanceof JsonObject user ? user : null;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
