package com.subsets.sync.provisioner.segments;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.client.blueconic.TokenProvider;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BlueConic's segment operations as its document types them: {@code GET /segments} (paged by {@code startIndex} and
 * {@code count}) and {@code GET /segments/{segment}/profiles} (paged by {@code cursor}, with only the matching
 * property asked for). Every answer is read strictly; anything else fails with a {@link SegmentReadException}
 * naming its reason and BlueConic's words.
 */
public final class SegmentClient {

    private static final int SEGMENTS_PER_PAGE = 200;

    /** A segment as listed: its id, name and tags. */
    public record Segment(String id, String name, List<String> tags) {
    }

    /** One page of a segment's members: each profile's value of the matching property (null without one). */
    public record Page(List<String> identifiers, String nextCursor) {
    }

    private final WebClient client;
    private final TokenProvider tokens;
    private final long timeoutMillis;

    public SegmentClient(WebClient client, TokenProvider tokens, long timeoutMillis) {
        this.client = client;
        this.tokens = tokens;
        this.timeoutMillis = timeoutMillis;
    }

    /** Every segment of the instance, by id, in BlueConic's order. */
    public Future<Map<String, Segment>> segments(BlueConicCredentials credentials) {
        return listFrom(credentials, 0, new LinkedHashMap<>());
    }

    private Future<Map<String, Segment>> listFrom(BlueConicCredentials credentials, int startIndex, Map<String, Segment> found) {
        String url = credentials.instanceUrl().resolve("/rest/v2/segments?startIndex=" + startIndex + "&count=" + SEGMENTS_PER_PAGE)
                .toString();
        return get(credentials, url).compose(body -> {
            Object list = body.getValue("segments");
            if (!(list instanceof JsonArray segments)) {
                throw unexpected("GET /segments", "segments is not an array", body);
            }
            for (Object item : segments) {
                if (!(item instanceof JsonObject s) || !(s.getValue("id") instanceof String id)) {
                    throw unexpected("GET /segments", "a segment without an id", body);
                }
                List<String> tags = new ArrayList<>();
                if (s.getValue("tags") instanceof JsonArray t) {
                    t.forEach(tag -> tags.add(String.valueOf(tag)));
                }
                found.put(id, new Segment(id, s.getValue("name") instanceof String n ? n : id, List.copyOf(tags)));
            }
            Object total = body.getValue("totalResults");
            int next = startIndex + segments.size();
            boolean more = total instanceof Number n ? next < n.intValue() : segments.size() == SEGMENTS_PER_PAGE;
            return more && !segments.isEmpty() ? listFrom(credentials, next, found) : Future.succeededFuture(found);
        });
    }

    /** A page of the segment's members after {@code cursor} ("*" for the first). */
    public Future<Page> page(BlueConicCredentials credentials, String segmentId, String matchingProperty, String cursor, int count) {
        String url = credentials.instanceUrl().resolve("/rest/v2/segments/" + encode(segmentId) + "/profiles?count=" + count
                + "&properties=" + encode(matchingProperty) + "&cursor=" + encode(cursor)).toString();
        return get(credentials, url).map(body -> {
            if (!(body.getValue("profiles") instanceof JsonArray profiles)) {
                throw unexpected("GET /segments/{segment}/profiles", "profiles is not an array", body);
            }
            List<String> identifiers = new ArrayList<>(profiles.size());
            for (Object item : profiles) {
                if (!(item instanceof JsonObject profile)) {
                    throw unexpected("GET /segments/{segment}/profiles", "a profile that is not an object", body);
                }
                identifiers.add(valueOf(profile, matchingProperty));
            }
            Object next = body.getValue("nextCursor");
            if (next != null && !(next instanceof String)) {
                throw unexpected("GET /segments/{segment}/profiles", "nextCursor is not a string", body);
            }
            String nextCursor = next == null || ((String) next).isEmpty() ? null : (String) next;
            return new Page(identifiers, nextCursor);
        });
    }

    private static String valueOf(JsonObject profile, String property) {
        if (!(profile.getValue("properties") instanceof JsonArray properties)) {
            return null;
        }
        for (Object item : properties) {
            if (item instanceof JsonObject p && property.equals(p.getValue("id")) && p.getValue("values") instanceof JsonArray values
                    && !values.isEmpty() && values.getValue(0) instanceof String value && !value.isEmpty()) {
                return value;
            }
        }
        return null;
    }

    private Future<JsonObject> get(BlueConicCredentials credentials, String url) {
        return tokens.token(credentials, timeoutMillis)
                .recover(e -> Future.failedFuture(e instanceof TokenProvider.TokenException refused && refused.credentialsRefused()
                        ? new SegmentReadException("unauthorized", "BlueConic refused the client credentials: " + refused.getMessage())
                        : new SegmentReadException("unreachable", "BlueConic's token endpoint failed: " + e.getMessage())))
                .compose(token -> client.getAbs(url).bearerTokenAuthentication(token).timeout(timeoutMillis).send()
                        .recover(e -> Future.failedFuture(new SegmentReadException("unreachable", e.toString()))))
                .map(response -> body(response, url));
    }

    private JsonObject body(HttpResponse<Buffer> response, String url) {
        String text = response.bodyAsString();
        String words = text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "…" : text;
        switch (response.statusCode()) {
            case 200 -> {
                try {
                    return response.bodyAsJsonObject();
                } catch (RuntimeException e) {
                    throw new SegmentReadException("unexpected_response", "HTTP 200 that is not a JSON object: " + words);
                }
            }
            case 401, 403 -> throw new SegmentReadException("unauthorized", "BlueConic answered " + response.statusCode() + ": " + words);
            case 404 -> throw new SegmentReadException("segment_not_found", "BlueConic answered 404: " + words);
            case 400 -> throw new SegmentReadException("rejected_400", "BlueConic answered 400: " + words);
            default -> throw new SegmentReadException(response.statusCode() == 429 ? "throttled"
                    : response.statusCode() >= 500 ? "destination_error_" + response.statusCode() : "unexpected_response",
                    "BlueConic answered " + response.statusCode() + ": " + words);
        }
    }

    private static SegmentReadException unexpected(String operation, String what, JsonObject body) {
        String text = body.encode();
        return new SegmentReadException("unexpected_response", operation + " answered " + what + ": "
                + (text.length() > 300 ? text.substring(0, 300) + "…" : text));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
