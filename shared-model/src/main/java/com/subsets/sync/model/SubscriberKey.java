package com.subsets.sync.model;

import java.nio.charset.StandardCharsets;

/**
 * Who a state is about: the tenant and the subscriber's identity as the events give it (userId and e-mail,
 * either possibly absent), since each destination identifies subscribers by one or the other. As a record
 * key: the tenant, then the two identifiers, separated by a character no valid event text holds (U+001F),
 * so every key is one exact byte string and compaction keeps one record per subscriber.
 */
public record SubscriberKey(String tenantId, String userId, String email) {

    private static final char SEPARATOR = '\u001F';

    public static SubscriberKey of(AssignmentEvent event) {
        return of(event.tenantId(), event.subscriber());
    }

    public static SubscriberKey of(String tenantId, Subscriber subscriber) {
        return new SubscriberKey(tenantId, subscriber.userId(), subscriber.email());
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
