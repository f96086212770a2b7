package com.subsets.sync.provisioner.notifications;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Whom a destination tells about its health: e-mail addresses, a webhook (its URL and the secret that signs each
 * call, sealed before it is stored and never shown again), and on what: {@code failures} (the health changes and
 * the recoveries) or {@code every_run} (also each finished backfill, resync or replay, and a daily summary); and how
 * many dead letters in an hour make a notice ({@code deadLettersPerHour}).
 */
public record NotificationSettings(List<String> emails, Webhook webhook, NotifyOn on, int deadLettersPerHour) {

    public NotificationSettings {
        emails = List.copyOf(emails);
    }

    /** A webhook; {@code secret} is held only between reading a registration and sealing it. */
    public record Webhook(String url, String secret) {
        @Override
        public String toString() {
            return "Webhook[url=" + url + "]";
        }
    }

    public enum NotifyOn {
        FAILURES, EVERY_RUN;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static NotifyOn of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** What GET shows: the settings, the webhook secret as a fingerprint only. */
    public static JsonObject view(List<String> emails, String webhookUrl, String secretFingerprint, NotifyOn on,
                                  int deadLettersPerHour) {
        JsonObject view = new JsonObject().put("emails", new JsonArray(emails)).put("on", on.wireName())
                .put("deadLettersPerHour", deadLettersPerHour);
        if (webhookUrl != null) {
            view.put("webhook", new JsonObject().put("url", webhookUrl).put("secretFingerprint", secretFingerprint));
        }
        return view;
    }
}
