package com.subsets.sync.provisioner.vendor;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.client.blueconic.TokenProvider;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * Reads a test delivery's subscribers back from the vendor, one call at a time for the whole process, each call at
 * least {@link #ITERABLE_GAP_MS} (Iterable) or {@link #BLUECONIC_GAP_MS} (BlueConic) after the one before: Iterable
 * documents 100 requests/s per project for its user reads, so five replicas reading at once stay within it; BlueConic
 * documents no rate for profile reads, and is read at the same modest pace. A read answers the vendor's object (null:
 * no such user or profile) or fails with the vendor's words.
 */
public final class TestReadBack {

    /** Iterable {@code GET /api/users/byUserId} and {@code getByEmail}: at most 20 a second from one replica. */
    public static final long ITERABLE_GAP_MS = com.subsets.sync.client.iterable.IterableUserRead.GAP_MS;
    /** BlueConic {@code GET /profiles} and {@code /profiles/{id}}: at most 10 a second from one replica. */
    public static final long BLUECONIC_GAP_MS = 100;

    /** A read the vendor refused or that did not reach it, in the vendor's words. */
    public static final class ReadFailed extends RuntimeException {
        public ReadFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final WebClient client;
    private final TokenProvider tokens;
    private final long timeoutMillis;
    private Future<Void> tail = Future.succeededFuture();

    public TestReadBack(Vertx vertx, WebClient client, TokenProvider tokens, long timeoutMillis) {
        this.vertx = vertx;
        this.client = client;
        this.tokens = tokens;
        this.timeoutMillis = timeoutMillis;
    }

    /** Iterable's {@code user} ({@code {}}, no such user: null), by userId unless the project is e-mail based and it has one. */
    public Future<JsonObject> iterableUser(String baseUrl, String apiKey, boolean emailProject, Subscriber subscriber) {
        boolean byEmail = subscriber.userId() == null || (emailProject && subscriber.email() != null);
        String url = com.subsets.sync.client.iterable.IterableUserRead.url(baseUrl, byEmail,
                byEmail ? subscriber.email() : subscriber.userId());
        return paced(ITERABLE_GAP_MS, () -> client.getAbs(url).putHeader("Api-Key", apiKey).timeout(timeoutMillis).send())
                .map(response -> {
                    return com.subsets.sync.client.iterable.IterableUserRead.userOf(json(response, "Iterable"));
                });
    }

    /** The BlueConic profile the matching property's value names (null: none), with the five properties. */
    public Future<JsonObject> blueConicProfile(BlueConicCredentials credentials, String matchingProperty, Subscriber subscriber) {
        String value = "email".equals(matchingProperty) ? subscriber.email() : subscriber.userId();
        if (value == null) {
            return Future.failedFuture(new ReadFailed("the subscriber has no " + ("email".equals(matchingProperty) ? "e-mail" : "userId")
                    + " to find its profile by " + matchingProperty));
        }
        String base = credentials.instanceUrl().toString().replaceAll("/+$", "") + "/rest/v2/profiles";
        return blueConicGet(credentials, base + "?property=" + encode(matchingProperty) + "&value=" + encode(value))
                .compose(found -> {
                    JsonArray profiles = found.getJsonArray("profiles");
                    if (profiles == null || profiles.isEmpty() || !(profiles.getValue(0) instanceof JsonObject p) || p.getString("id") == null) {
                        return Future.succeededFuture(null);
                    }
                    StringBuilder url = new StringBuilder(base).append('/').append(encode(p.getString("id")).replace("+", "%20"));
                    char sep = '?';
                    for (DestinationField field : DestinationField.values()) {
                        url.append(sep).append("profileProperty=").append(encode(field.blueConicId()));
                        sep = '&';
                    }
                    return blueConicGet(credentials, url.toString());
                });
    }

    private Future<JsonObject> blueConicGet(BlueConicCredentials credentials, String url) {
        return paced(BLUECONIC_GAP_MS, () -> tokens.token(credentials, timeoutMillis)
                .recover(e -> Future.failedFuture(new ReadFailed("BlueConic's token endpoint: " + e.getMessage())))
                .compose(token -> client.getAbs(url).bearerTokenAuthentication(token).timeout(timeoutMillis).send()))
                .map(response -> json(response, "BlueConic"));
    }

    /** {@code call} once the calls before it are done and the gap has passed; the next waits for this one. */
    private synchronized <T> Future<T> paced(long gapMillis, Supplier<Future<T>> call) {
        Promise<T> result = Promise.promise();
        Promise<Void> done = Promise.promise();
        Future<Void> before = tail;
        tail = done.future();
        before.onComplete(ignored -> {
            Future<T> sent;
            try {
                sent = call.get();
            } catch (RuntimeException e) {
                sent = Future.failedFuture(e);
            }
            sent.onComplete(ar -> {
                vertx.setTimer(gapMillis, t -> done.complete());
                result.handle(ar.failed() && !(ar.cause() instanceof ReadFailed)
                        ? Future.failedFuture(new ReadFailed("not reached: " + ar.cause().getMessage())) : ar);
            });
        });
        return result.future();
    }

    private static JsonObject json(HttpResponse<Buffer> response, String vendor) {
        String text = response.bodyAsString();
        if (response.statusCode() == 200) {
            try {
                return response.bodyAsJsonObject();
            } catch (RuntimeException e) {
                throw new ReadFailed(vendor + " answered 200 with a body that is not a JSON object");
            }
        }
        String words = text == null ? "" : text.length() > 500 ? text.substring(0, 500) + "…" : text;
        throw new ReadFailed(vendor + " answered " + response.statusCode() + ": " + words);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
