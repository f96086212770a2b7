package com.subsets.sync.client.iterable;

import java.net.URI;
import java.util.Locale;

/** Iterable's data centres: same paths, and a key works only in its own region. */
public enum IterableRegion {
    US("https://api.iterable.com"),
    EU("https://api.eu.iterable.com");

    private final URI baseUrl;

    IterableRegion(String baseUrl) {
        this.baseUrl = URI.create(baseUrl);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code us} or {@code eu}; anything else is an IllegalArgumentException naming the value. */
    public static IterableRegion of(String name) {
        for (IterableRegion region : values()) {
            if (region.wireName().equals(name)) {
                return region;
            }
        }
        throw new IllegalArgumentException("region must be us or eu, was " + name);
    }
}
