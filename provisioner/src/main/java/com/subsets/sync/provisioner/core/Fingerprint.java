package com.subsets.sync.provisioner.core;

import com.subsets.sync.runtime.TokenAuthenticator;

/**
 * What GET shows instead of a credential: enough to tell two credentials apart (the first 12 hex
 * digits of a SHA-256), not enough to use one.
 */
public final class Fingerprint {

    private Fingerprint() {
    }

    public static String of(String secret) {
        return "sha256:" + TokenAuthenticator.sha256Hex(secret).substring(0, 12);
    }
}
