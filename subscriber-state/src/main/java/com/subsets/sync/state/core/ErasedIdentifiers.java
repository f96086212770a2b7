package com.subsets.sync.state.core;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Subscriber;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The memory of erased identifiers, as the state service keeps it: never an identifier in clear, only
 * {@code hex(HMAC-SHA256(salt, tenant ␟ "u:" userId))} or {@code ... ␟ "e:" email}, each with the time of the newest
 * erasure that named it. An event naming a remembered identifier, at or before that time, is one the erasure has
 * overtaken: it must not apply (it would create the subscriber again). A newer one applies: the person came back.
 *
 * <p>The salt is a secret ({@code STATE_ERASURE_SALT}): without it the hash of a known e-mail cannot be computed, so
 * the store and its changelog say nothing of who was erased. Not thread-safe (one {@link Mac}): one per processor.
 */
public final class ErasedIdentifiers {

    private static final char SEPARATOR = '\u001F';
    private final Mac mac;

    /** @param salt the HMAC key (the configured salt's bytes) */
    public ErasedIdentifiers(byte[] salt) {
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }

    /** The hashes of each identifier of {@code who} in the tenant: its userId's first. */
    public List<String> hashesOf(String tenant, Subscriber who) {
        List<String> hashes = new ArrayList<>(2);
        if (who.userId() != null) {
            hashes.add(hash(tenant + SEPARATOR + "u:" + who.userId()));
        }
        if (who.email() != null) {
            hashes.add(hash(tenant + SEPARATOR + "e:" + who.email()));
        }
        return hashes;
    }

    /**
     * True when the event names an identifier erased at or after its time ({@code erasedAt} answers the time
     * remembered for a hash, or null), so it must be dropped.
     */
    public boolean overtaken(AssignmentEvent event, Function<String, Instant> erasedAt) {
        for (String hash : hashesOf(event.tenantId(), event.subscriber())) {
            Instant erased = erasedAt.apply(hash);
            if (erased != null && !event.occurredAt().isAfter(erased)) {
                return true;
            }
        }
        return false;
    }

    /** True when an entry recorded at {@code recordedAt} has been kept for {@code memory} at {@code now}. */
    public static boolean expired(Instant recordedAt, Instant now, Duration memory) {
        return !recordedAt.plus(memory).isAfter(now);
    }

    private String hash(String text) {
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "ErasedIdentifiers[HMAC-SHA256, salt hidden]";
    }
}
