package com.subsets.sync.model;

import java.nio.charset.StandardCharsets;

/**
 * A tenant and a subscriber's identifiers (userId and e-mail, either possibly absent). As a record key: the tenant,
 * then the two identifiers, separated by a character no valid event text holds (U+001F), so every key is one exact
 * byte string and compaction keeps one record per subscriber.
 *
 * <p>The state topic ({@link Topics#SUBSCRIBER_STATE}) keys each subscriber by one identifier ({@link #ofState}): its
 * userId when it has one ({@code tenant␟userId␟}), its e-mail when no event has linked that e-mail to a userId
 * ({@code tenant␟␟email}). The record's value carries the whole identity.
 */
public record SubscriberKey(String tenantId, String userId, String email) {

    private static final char SEPARATOR = '\u001F';

    /** The identifiers exactly as the event names them (not a state key: see {@link #ofState}). */
    public static SubscriberKey of(AssignmentEvent event) {
        return of(event.tenantId(), event.subscriber());
    }

    /** The identifiers exactly as given (not a state key: see {@link #ofState}). */
    public static SubscriberKey of(String tenantId, Subscriber subscriber) {
        return new SubscriberKey(tenantId, subscriber.userId(), subscriber.email());
    }

    /** The state topic's key of a subscriber with this identity: by its userId, or by its e-mail when it has none. */
    public static SubscriberKey ofState(String tenantId, Subscriber subscriber) {
        return subscriber.userId() != null ? ofUserId(tenantId, subscriber.userId()) : ofEmail(tenantId, subscriber.email());
    }

    /** {@code tenant␟userId␟}. */
    public static SubscriberKey ofUserId(String tenantId, String userId) {
        return new SubscriberKey(tenantId, userId, null);
    }

    /** {@code tenant␟␟email}. */
    public static SubscriberKey ofEmail(String tenantId, String email) {
        return new SubscriberKey(tenantId, null, email);
    }

    /** What every encoded key of the tenant starts with (and no other tenant's does). */
    public static String prefixOf(String tenantId) {
        return tenantId + SEPARATOR;
    }

    public String encode() {
        return tenantId + SEPARATOR + (userId == null ? "" : userId) + SEPARATOR + (email == null ? "" : email);
    }

    /** The tenant part of an encoded key: what the state topic is partitioned by, as the input is. */
    public static String tenantOf(String encoded) {
        int end = encoded.indexOf(SEPARATOR);
        return end < 0 ? encoded : encoded.substring(0, end);
    }

    public byte[] bytes() {
        return encode().getBytes(StandardCharsets.UTF_8);
    }
}
