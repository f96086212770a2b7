package com.subsets.sync.simulator.iterable;

import com.subsets.sync.simulator.common.SlidingWindowLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one project remembers of GDPR forgetting: the e-mails and userIds it forgot (a later write for them is refused
 * and listed in {@code failedUpdates.forgottenEmails/forgottenUserIds}), the limits of {@code POST /api/users/forget},
 * and every forget call answered, for tests to assert on. Thread-safe; it never calls into its project, so the project
 * may call it under its own lock.
 */
public final class ForgottenUsers {

    /** One answered {@code POST /api/users/forget}: the identifier asked for (null when absent or unreadable) and the answer. */
    public record Call(long atMillis, String email, String userId, int status, String code) {
        public JsonObject toJson() {
            return new JsonObject().put("at", atMillis).put("email", email).put("userId", userId).put("status", status).put("code", code);
        }
    }

    /** Iterable's forget: "Rate limit: 3 requests/second, per project". */
    static final int FORGET_PER_SECOND = 3;
    /** Iterable's forget: "Daily Cap: 1000 requests per 24 hour period, per project". */
    static final int FORGET_DAILY_CAP = 1000;
    static final Duration CAP_WINDOW = Duration.ofHours(24);

    private final Set<String> emails = new LinkedHashSet<>();
    private final Set<String> userIds = new LinkedHashSet<>();
    private final List<Call> calls = new ArrayList<>();
    private SlidingWindowLimiter perSecond = new SlidingWindowLimiter(FORGET_PER_SECOND, 1000);
    private SlidingWindowLimiter dailyCap = new SlidingWindowLimiter(FORGET_DAILY_CAP, CAP_WINDOW.toMillis());
    /** GET /api/users/forgotten and /forgottenUserIds: "Rate limit: 3 requests/second, per project" (one budget for both here). */
    final SlidingWindowLimiter listLimit = new SlidingWindowLimiter(3, 1000);

    /** Other forget limits than Iterable's 3/s and 1,000 a day (tests reach the daily cap with a few calls). */
    public ForgottenUsers limits(int requestsPerSecond, int cap) {
        return limits(requestsPerSecond, cap, CAP_WINDOW);
    }

    /** As above, the cap counted over {@code capWindow} instead of 24 hours (tests see the cap lift). */
    public synchronized ForgottenUsers limits(int requestsPerSecond, int cap, Duration capWindow) {
        perSecond = new SlidingWindowLimiter(requestsPerSecond, 1000);
        dailyCap = new SlidingWindowLimiter(cap, capWindow.toMillis());
        return this;
    }

    /**
     * Admits one forget call now, or says why not: false when over the per-second limit (429 RateLimitExceeded, as
     * every endpoint's limit); a {@link IterableErrors.Rejection} (429 RateLimitExceeded, the daily cap in its msg)
     * when the project's daily cap is spent. A call refused either way counts toward neither.
     */
    synchronized boolean admit(long nowMillis) {
        if (!dailyCap.hasRoom(nowMillis)) {
            long hours = Duration.ofMillis(dailyCap.windowMillis()).toHours();
            throw new IterableErrors.Rejection(429, "RateLimitExceeded", "Daily cap exceeded: at most " + dailyCap.limit()
                    + " forget requests per " + (hours > 0 ? hours + " hour" : dailyCap.windowMillis() + " ms")
                    + " period, per project", new JsonObject().put("dailyCap", dailyCap.limit()));
        }
        if (!perSecond.tryAcquire(nowMillis)) {
            return false;
        }
        dailyCap.tryAcquire(nowMillis);
        return true;
    }

    synchronized void addEmail(String email) {
        emails.add(email);
    }

    synchronized void addUserId(String userId) {
        userIds.add(userId);
    }

    public synchronized boolean isForgottenEmail(String email) {
        return emails.contains(email);
    }

    public synchronized boolean isForgottenUserId(String userId) {
        return userIds.contains(userId);
    }

    /** Every identifier forgotten, e-mails then userIds, each in the order forgotten. */
    public synchronized List<String> identifiers() {
        List<String> all = new ArrayList<>(emails);
        all.addAll(userIds);
        return all;
    }

    synchronized void record(Call call) {
        calls.add(call);
    }

    /** Every {@code POST /api/users/forget} answered (throttled and refused ones too), oldest first. */
    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** As {@code GET /api/users/forgotten} and {@code /forgottenUserIds} answer: each lowercased, trimmed, SHA-256 (hex). */
    synchronized JsonArray hashedEmails() {
        return hashed(emails);
    }

    synchronized JsonArray hashedUserIds() {
        return hashed(userIds);
    }

    static String hash(String identifier) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(identifier.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static JsonArray hashed(Set<String> identifiers) {
        JsonArray hashes = new JsonArray();
        identifiers.forEach(id -> hashes.add(hash(id)));
        return hashes;
    }

    synchronized JsonObject toJson() {
        JsonArray callLog = new JsonArray();
        calls.forEach(c -> callLog.add(c.toJson()));
        return new JsonObject().put("emails", new JsonArray(new ArrayList<>(emails)))
                .put("userIds", new JsonArray(new ArrayList<>(userIds))).put("calls", callLog);
    }
}
