package com.subsets.sync.runtime;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Checks {@code Authorization: Bearer <token>} against configured SHA-256 hashes. The presented token
 * is hashed and compared with every configured hash in constant time, so neither timing nor the
 * position of a match tells an attacker anything. Several hashes may be valid at once (rotation).
 */
public final class TokenAuthenticator {

    private static final String BEARER = "Bearer ";
    private final List<byte[]> hashes;

    public TokenAuthenticator(List<byte[]> hashes) {
        this.hashes = List.copyOf(hashes);
    }

    public boolean isAuthorized(String authorizationHeader) {
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

    /**
     * Tokens are configured only as hashes, so whoever reads the environment cannot call the API:
     * {@code variable} holds comma-separated SHA-256 hashes (64 hex digits), at least one.
     */
    public static TokenAuthenticator fromEnv(EnvReader env, String variable) {
        List<String> hex = env.list(variable);
        if (hex.isEmpty()) {
            throw new ConfigException(variable + " is required: comma-separated SHA-256 hashes (64 hex digits) "
                    + "of the bearer tokens callers may use");
        }
        return new TokenAuthenticator(hex.stream().map(h -> {
            if (!h.matches("[0-9a-fA-F]{64}")) {
                throw new ConfigException(variable + " entries must be 64 hex digits (a SHA-256 hash)");
            }
            return HexFormat.of().parseHex(h);
        }).toList());
    }

    /** The hash to configure for {@code token} (tests and local tooling). */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
