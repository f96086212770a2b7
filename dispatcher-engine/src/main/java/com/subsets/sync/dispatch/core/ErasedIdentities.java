package com.subsets.sync.dispatch.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The subscribers erased lately (the erasures topic, {@code subsets.erasures.v1}, keeps a week of them), by what a
 * resync must refuse: a subscriber's state older than their erasure. A resync reads the state topic from long before
 * an erasure's tombstones, so it meets the erased subscriber's old state first, in another row than the tombstone's;
 * sent, it would create the profile again at a destination that creates them (a BlueConic {@code UPSERT}, an Iterable
 * bulkUpdate), and the erase row after it would only clear its fields. {@link DeliveryGate} holds back only what the
 * lane sent; this holds back every state of an erased identity, whoever sent what, also after a restart or for a
 * destination registered after the erasure.
 *
 * <p>A state is refused when it is of an erased identity (the erasure's tenant, and the same userId or the same e-mail)
 * and none of its facts is newer than the erasure: a fact newer than the erasure is the subscriber come back, whose
 * state goes out. Of two erasures of one identifier the latest counts. Memory: one entry per identifier (about 200
 * bytes), at most what the reader takes from the topic.
 */
public final class ErasedIdentities {

    /** Nothing erased (no erasures topic, or nothing in it for these tenants). */
    public static final ErasedIdentities NONE = new ErasedIdentities();

    private final Map<String, Instant> byIdentifier = new HashMap<>();

    /** Builds it from erasures as read; add more with {@link #add}. */
    public ErasedIdentities() {
    }

    /** One erasure more (the latest of an identifier's erasures is the one that counts). */
    public void add(Erasure erasure) {
        Subscriber who = erasure.subscriber();
        if (who.userId() != null) {
            byIdentifier.merge(userKey(erasure.tenantId(), who.userId()), erasure.erasedAt(), ErasedIdentities::later);
        }
        if (who.email() != null) {
            byIdentifier.merge(emailKey(erasure.tenantId(), who.email()), erasure.erasedAt(), ErasedIdentities::later);
        }
    }

    /** True when {@code state} is of an erased subscriber and holds nothing newer than the erasure: never to be sent. */
    public boolean refuses(StateRecord state) {
        Instant erasedAt = erasedAt(state.tenantId(), state.subscriber());
        if (erasedAt == null) {
            return false;
        }
        for (FieldFact fact : state.fields().values()) {
            if (fact.occurredAt().isAfter(erasedAt)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code event} (an events-input resync's) is about an erased subscriber and no newer than the erasure. */
    public boolean refuses(AssignmentEvent event) {
        Instant erasedAt = erasedAt(event.tenantId(), event.subscriber());
        return erasedAt != null && !event.occurredAt().isAfter(erasedAt);
    }

    /** Identifiers held (a userId and an e-mail each count). */
    public int size() {
        return byIdentifier.size();
    }

    /** The latest erasure of either identifier of {@code who} in {@code tenantId}, or null when neither was erased. */
    private Instant erasedAt(String tenantId, Subscriber who) {
        if (byIdentifier.isEmpty() || who == null) {
            return null;
        }
        Instant byUser = who.userId() == null ? null : byIdentifier.get(userKey(tenantId, who.userId()));
        Instant byEmail = who.email() == null ? null : byIdentifier.get(emailKey(tenantId, who.email()));
        return byUser == null ? byEmail : byEmail == null ? byUser : later(byUser, byEmail);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String userKey(String tenantId, String userId) {
        return tenantId + '\u241F' + "u:" + userId;
    }

    private static String emailKey(String tenantId, String email) {
        return tenantId + '\u241F' + "e:" + email.toLowerCase(Locale.ROOT);
    }
}
