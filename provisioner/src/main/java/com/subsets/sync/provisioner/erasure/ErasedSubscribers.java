package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.model.Subscriber;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the provisioner keeps of an erased subscriber, so that a BlueConic segment read does not bring them back as a
 * member ({@code PROVISIONER_ERASURE_MEMORY}, 30 days by default): an HMAC-SHA256, keyed by
 * {@code PROVISIONER_ERASURE_SALT}, of the tenant and each identifier (userId, e-mail; a segment names its members by
 * either), in {@code erased_subscriber}. Without the key a hash says nothing of who was erased.
 */
public final class ErasedSubscribers {

    private static final char SEPARATOR = '\u001F';

    private final SecretKeySpec key;
    private final Duration memory;

    public ErasedSubscribers(byte[] salt, Duration memory) {
        this.key = new SecretKeySpec(salt, "HmacSHA256");
        this.memory = memory;
    }

    public Duration memory() {
        return memory;
    }

    /** The hash of each identifier the subscriber has. */
    public List<Buffer> hashesOf(String tenantId, Subscriber subscriber) {
        List<String> identifiers = new ArrayList<>(2);
        if (subscriber.userId() != null) {
            identifiers.add(subscriber.userId());
        }
        if (subscriber.email() != null) {
            identifiers.add(subscriber.email());
        }
        return hashes(tenantId, identifiers);
    }

    /** The hashes of {@code identifiers}, in their order. */
    public List<Buffer> hashes(String tenantId, List<String> identifiers) {
        Mac mac = mac();
        List<Buffer> hashes = new ArrayList<>(identifiers.size());
        for (String identifier : identifiers) {
            mac.update((tenantId + SEPARATOR + identifier).getBytes(StandardCharsets.UTF_8));
            hashes.add(Buffer.buffer(mac.doFinal()));
        }
        return hashes;
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
