package com.subsets.sync.client.blueconic;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * OAuth 2.0 client-credentials tokens per BlueConic application: fetched on first use, cached, renewed
 * ahead of expiry (a tenth of their life, at most a minute), dropped on a 401, and fetched at most
 * once at a time per application however many batches wait. Credentials go in the form body, as
 * BlueConic's document requires; they are never logged.
 */
public final class TokenProvider {

    private record Token(String value, long renewAtMillis) {
    }

    /** The token endpoint refused or failed; {@code status} says which, {@code error} is BlueConic's code. */
    public static final class TokenException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        TokenException(int status, String error) {
            super("token request answered " + status + (error == null ? "" : " " + error), null, false, false);
            this.status = status;
        }

        /** The token endpoint's HTTP status: 400 and 401 mean the credentials are refused. */
        public int status() {
            return status;
        }

        public boolean credentialsRefused() {
            return status == 400 || status == 401;
        }
    }

    private static final long FETCH_TIMEOUT_MILLIS = 10_000;

    private final WebClient client;
    private final LongSupplier clock;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Future<Token>> fetching = new ConcurrentHashMap<>();

    public TokenProvider(WebClient client, LongSupplier clock) {
        this.client = client;
        this.clock = clock;
    }

    public Future<String> token(BlueConicCredentials credentials) {
        return token(credentials, FETCH_TIMEOUT_MILLIS);
    }

    /**
     * A token within {@code timeoutMillis}: a fetch this call starts is given no longer (it is reset then); one
     * already under way for the same credentials is shared and keeps its own bound.
     */
    public Future<String> token(BlueConicCredentials credentials, long timeoutMillis) {
        String key = key(credentials);
        Token cached = tokens.get(key);
        if (cached != null && clock.getAsLong() < cached.renewAtMillis()) {
            return Future.succeededFuture(cached.value());
        }
        return fetching.computeIfAbsent(key, k -> fetch(credentials, Math.min(FETCH_TIMEOUT_MILLIS, timeoutMillis))
                .onComplete(ar -> fetching.remove(k))
                .onSuccess(token -> tokens.put(k, token)))
                .map(Token::value);
    }

    /**
     * A token fetched now, whatever is cached: what checking credentials needs (provisioning a destination
     * whose secret just changed must not pass on a token of the old one). It replaces the cached token.
     */
    public Future<String> freshToken(BlueConicCredentials credentials) {
        String key = key(credentials);
        return fetch(credentials, FETCH_TIMEOUT_MILLIS).onSuccess(token -> tokens.put(key, token)).map(Token::value);
    }

    /** Credentials no longer in use: their token goes. */
    public void forget(BlueConicCredentials credentials) {
        tokens.remove(key(credentials));
    }

    /** After a 401: the token is no good, whatever its expiry said. */
    public void invalidate(BlueConicCredentials credentials, String token) {
        tokens.computeIfPresent(key(credentials), (k, cached) -> cached.value().equals(token) ? null : cached);
    }

    private Future<Token> fetch(BlueConicCredentials credentials, long timeoutMillis) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("client_id", credentials.clientId())
                .add("client_secret", credentials.clientSecret());
        return client.postAbs(credentials.instanceUrl().resolve("/rest/v2/oauth/token").toString())
                .timeout(timeoutMillis)
                .sendForm(form)
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        JsonObject error = safeJson(response.bodyAsString());
                        return Future.failedFuture(new TokenException(response.statusCode(), error.getString("error")));
                    }
                    JsonObject body = response.bodyAsJsonObject();
                    long lifeMillis = body.getLong("expires_in", 3600L) * 1000;
                    long renewAt = clock.getAsLong() + lifeMillis - Math.min(60_000, lifeMillis / 10);
                    return Future.succeededFuture(new Token(body.getString("access_token"), renewAt));
                });
    }

    private static JsonObject safeJson(String body) {
        try {
            return body == null ? new JsonObject() : new JsonObject(body);
        } catch (RuntimeException e) {
            return new JsonObject();
        }
    }

    /**
     * Instance, application and a fingerprint of the secret: a token of the old secret never stands in for
     * a new one, so a mistyped secret is refused at once rather than after the old token expires.
     */
    private static String key(BlueConicCredentials credentials) {
        return credentials.instanceUrl() + "|" + credentials.clientId() + "|" + fingerprint(credentials.clientSecret());
    }

    private static String fingerprint(String secret) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
