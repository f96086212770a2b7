package com.subsets.sync.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <token>} against configured SHA-256 hashes. The presented token
 * is hashed and compared with every configured hash in constant time, so neither timing nor the
 * position of a match tells an attacker anything.
 */
final class TokenAuthenticator {

    private static final String BEARER = "Bearer ";
    private final List<byte[]> hashes;

    TokenAuthenticator(List<byte[]> hashes) {
        this.hashes = List.copyOf(hashes);
    }

    boolean isAuthorized(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        String token = authorizationHeader.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            return false;
        }
        byte[] presented = sha256(token);
        boolean match = false;
        for (byte[] hash : hashes) {
            match |= MessageDigest.isEqual(presented, hash);
        }
        return match;
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
