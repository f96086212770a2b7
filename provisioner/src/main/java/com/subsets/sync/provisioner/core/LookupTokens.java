package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.EventValidator;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.TokenAuthenticator;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The segment lookup's tokens, each issued for the tenants it may read: {@code PROVISIONER_LOOKUP_TOKEN_SHA256} holds
 * comma-separated {@code <tenantId>:<SHA-256 hex of the token>} entries; a token that reads several tenants appears once
 * per tenant. A token asking about any other tenant is answered as if that tenant had nothing (404), so it learns
 * nothing about it. An entry without a tenant is refused at start: no lookup token reads every tenant (operator tokens
 * do).
 */
public final class LookupTokens {

    public static final String VARIABLE = "PROVISIONER_LOOKUP_TOKEN_SHA256";

    private final Map<String, Set<String>> tenantsByHash;
    private final TokenAuthenticator any;

    private LookupTokens(Map<String, Set<String>> tenantsByHash) {
        this.tenantsByHash = tenantsByHash;
        this.any = new TokenAuthenticator(tenantsByHash.keySet().stream().map(HexFormat.of()::parseHex).toList());
    }

    /** Parses the variable's entries; none: null (operators only). */
    public static LookupTokens parse(List<String> entries) {
        if (entries.isEmpty()) {
            return null;
        }
        Map<String, Set<String>> tenantsByHash = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.lastIndexOf(':');
            String tenant = colon < 0 ? "" : entry.substring(0, colon);
            String hash = colon < 0 ? entry : entry.substring(colon + 1);
            if (!EventValidator.TENANT_ID.matcher(tenant).matches() || !hash.matches("[0-9a-fA-F]{64}")) {
                throw new ConfigException(VARIABLE + " entries must be <tenantId>:<SHA-256 hex of the token> (a lookup token reads "
                        + "only the tenants it is issued for; repeat the hash for each tenant it may read)");
            }
            tenantsByHash.computeIfAbsent(hash.toLowerCase(java.util.Locale.ROOT), h -> new TreeSet<>()).add(tenant);
        }
        return new LookupTokens(tenantsByHash);
    }

    /** The hashes alone (whichever tenants), for the check that no hash serves two roles. */
    public static List<String> hashes(List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(entry.substring(entry.lastIndexOf(':') + 1));
        }
        return out;
    }

    /** Any lookup token, whatever its tenants: what lets a request in before its body is read. */
    public TokenAuthenticator any() {
        return any;
    }

    /** Whether the header carries a lookup token issued for {@code tenantId}; compared in constant time over every hash. */
    public boolean mayRead(String authorizationHeader, String tenantId) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String token = authorizationHeader.substring(7).trim();
        if (token.isEmpty()) {
            return false;
        }
        byte[] presented = TokenAuthenticator.sha256(token);
        boolean allowed = false;
        for (Map.Entry<String, Set<String>> entry : tenantsByHash.entrySet()) {
            allowed |= MessageDigest.isEqual(presented, HexFormat.of().parseHex(entry.getKey())) && entry.getValue().contains(tenantId);
        }
        return allowed;
    }
}
