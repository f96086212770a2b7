package com.subsets.sync.provisioner.core;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where a destination's data lands, read from its settings: two revisions with equal targets write to the same
 * place, so a revision that moves the target finds none of the tenant there and is backfilled.
 * <ul>
 *   <li>Iterable: {@code projectId} (absent: the project of the key, served as the tenant's own; a rotated key
 *   is taken to be the same project's), {@code region} (the API host) and {@code identifier} (users by
 *   {@code userId} or by {@code email}).</li>
 *   <li>BlueConic: {@code instanceUrl} (its origin: scheme, host and port; requests resolve absolute paths
 *   against it) and {@code matchingProperty} (the profile property subscribers are matched by).</li>
 * </ul>
 * And at either vendor the fields' write modes ({@code fields}, issue 28): the same place written by other modes holds
 * other values (a {@code set} field kept where {@code set_or_clear} cleared it, a list where a value was), so a change
 * of modes is backfilled like a move, and the vendor ends with what live delivery under the new modes would have made.
 * Credentials, {@code preferUserId}, {@code strategy}, {@code objectiveIds}, {@code clientId} and followed
 * segments change how or with what data is written, not where: they are no part of it.
 */
public record DeliveryTarget(DestinationKind kind, Map<String, String> parts) {

    /** No project named: the key's. */
    static final String KEYS_PROJECT = "(the key's project)";

    public DeliveryTarget {
        Objects.requireNonNull(kind, "kind");
        parts = Collections.unmodifiableMap(new LinkedHashMap<>(parts));
    }

    public static DeliveryTarget of(DestinationKind kind, JsonObject settings) {
        Map<String, String> parts = new LinkedHashMap<>();
        switch (kind) {
            case ITERABLE -> {
                parts.put("projectId", settings.getString("projectId", KEYS_PROJECT));
                parts.put("region", settings.getString("region", "us"));
                parts.put("identifier", settings.getString("identifier", "userId"));
            }
            case BLUECONIC -> {
                parts.put("instanceUrl", origin(settings.getString("instanceUrl")));
                parts.put("matchingProperty", settings.getString("matchingProperty", "email"));
            }
        }
        parts.put("fields", FieldModeSettings.of(settings).describe());
        return new DeliveryTarget(kind, parts);
    }

    /** What differs from {@code before}, part by part ({@code identifier: userId -> email}); empty when nothing does. */
    public String changesFrom(DeliveryTarget before) {
        List<String> changes = new ArrayList<>();
        parts.forEach((name, value) -> {
            String old = before.parts.get(name);
            if (!value.equals(old)) {
                changes.add(name + ": " + old + " -> " + value);
            }
        });
        return String.join(", ", changes);
    }

    private static String origin(String url) {
        if (url == null) {
            return "";
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return url;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || ("https".equals(scheme) && port == 443) || ("http".equals(scheme) && port == 80);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
