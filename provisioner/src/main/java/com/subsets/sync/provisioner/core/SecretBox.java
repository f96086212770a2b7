package com.subsets.sync.provisioner.core;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals credentials with AES-GCM (a fresh 96-bit nonce per value, 128-bit tag, as NIST SP 800-38D
 * recommends). The associated data binds a sealed value to its row (tenant and destination), so a
 * ciphertext copied into another row does not open. Every value carries its key's id: several keys
 * can be loaded at once, new values use the active one, and values under older keys still open
 * until they are resealed.
 */
public final class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    /** A sealed value as stored: the key's id, the nonce, and the ciphertext with its tag. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    /** A value that cannot be opened: unknown key, or ciphertext, nonce or row not matching. */
    public static final class SealException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public SealException(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, SecretKey> keys;
    private final String activeKeyId;
    private final SecureRandom random;

    public SecretBox(Map<String, SecretKey> keys, String activeKeyId, SecureRandom random) {
        if (!keys.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("the active key " + activeKeyId + " is not among the keys");
        }
        this.keys = Map.copyOf(keys);
        this.activeKeyId = activeKeyId;
        this.random = random;
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    public Sealed seal(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            return new Sealed(activeKeyId, nonce, cipher.doFinal(plaintext));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    public byte[] open(Sealed sealed, byte[] associatedData) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new SealException("credentials are sealed with key " + sealed.keyId() + ", which is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed.ciphertext());
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SealException("credentials do not open with key " + sealed.keyId() + " (tampered with, or sealed for another row or other settings)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }
}
