package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.ConfigException;

/**
 * What an erasure does at a destination, its setting {@code "erasure"}: {@code clear} (default) clears the five fields
 * of the subscriber's profile, never creating one; {@code forget} removes the subscriber at the vendor (BlueConic: the
 * {@code DELETE} strategy; Iterable: the five fields cleared, then the provisioner's {@code POST /api/users/forget}).
 */
public enum ErasureMode {
    CLEAR("clear"),
    FORGET("forget");

    private final String wire;

    ErasureMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The entry's {@code erasure} setting ({@code clear} when absent); any other value is refused naming it. */
    public static ErasureMode of(io.vertx.core.json.JsonObject entry, String where) {
        Object value = entry.getValue("erasure");
        if (value == null || CLEAR.wire.equals(value)) {
            return CLEAR;
        }
        if (FORGET.wire.equals(value)) {
            return FORGET;
        }
        throw new ConfigException(where + "erasure must be clear or forget, was " + value);
    }
}
