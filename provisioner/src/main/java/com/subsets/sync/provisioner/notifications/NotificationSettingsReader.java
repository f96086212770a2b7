package com.subsets.sync.provisioner.notifications;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Validates a registration's {@code notifications}, reporting every problem with its path (the webhook secret is
 * never quoted). A webhook URL must be https unless the provisioner runs in local mode ({@code allowHttp}); e-mail
 * addresses are refused when no SMTP relay is configured, so nobody believes they will be told.
 */
public final class NotificationSettingsReader {

    static final int MAX_EMAILS = 20;
    private static final Set<String> KEYS = Set.of("emails", "webhook", "on", "deadLettersPerHour");
    /** The highest {@code deadLettersPerHour}: far above what a dispatcher can dead-letter in an hour. */
    static final int MAX_DEAD_LETTERS_PER_HOUR = 10_000_000;
    private static final Set<String> WEBHOOK_KEYS = Set.of("url", "secret");
    /** One address, no display name: nothing that could break a header (no spaces, CR, LF, commas or angle brackets). */
    private static final Pattern EMAIL = Pattern.compile(
            "[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{16,500}");

    private final boolean allowHttp;
    private final boolean emailConfigured;
    private final int defaultDeadLettersPerHour;

    /** {@code allowHttp}: local mode; {@code emailConfigured}: an SMTP relay is configured. */
    public NotificationSettingsReader(boolean allowHttp, boolean emailConfigured) {
        this(allowHttp, emailConfigured, NotificationConfig.DEFAULT_DEAD_LETTERS_PER_HOUR);
    }

    /** {@code defaultDeadLettersPerHour}: the threshold of settings that name none (PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR). */
    public NotificationSettingsReader(boolean allowHttp, boolean emailConfigured, int defaultDeadLettersPerHour) {
        this.allowHttp = allowHttp;
        this.emailConfigured = emailConfigured;
        this.defaultDeadLettersPerHour = defaultDeadLettersPerHour;
    }

    /** The settings, or null when there are none ({@code value} absent or null); problems go to {@code violation}. */
    public NotificationSettings read(Object value, BiConsumer<String, String> violation) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject body)) {
            violation.accept("notifications", "must be an object with emails, webhook and on");
            return null;
        }
        body.fieldNames().stream().filter(name -> !KEYS.contains(name)).sorted().forEach(name ->
                violation.accept("notifications." + name, "is not a known property; allowed: deadLettersPerHour, emails, on, webhook"));
        List<String> emails = emails(body.getValue("emails"), violation);
        NotificationSettings.Webhook webhook = webhook(body.getValue("webhook"), violation);
        NotificationSettings.NotifyOn on = NotificationSettings.NotifyOn.FAILURES;
        Object onValue = body.getValue("on");
        if (onValue != null || body.containsKey("on")) {
            if ("failures".equals(onValue) || "every_run".equals(onValue)) {
                on = NotificationSettings.NotifyOn.of((String) onValue);
            } else {
                violation.accept("notifications.on", "must be one of every_run, failures, was " + clip(String.valueOf(onValue)));
            }
        }
        int deadLettersPerHour = defaultDeadLettersPerHour;
        if (body.containsKey("deadLettersPerHour")) {
            Object limit = body.getValue("deadLettersPerHour");
            if (limit instanceof Integer n && n >= 1 && n <= MAX_DEAD_LETTERS_PER_HOUR) {
                deadLettersPerHour = n;
            } else {
                violation.accept("notifications.deadLettersPerHour", "must be a whole number from 1 to " + MAX_DEAD_LETTERS_PER_HOUR
                        + ", was " + clip(String.valueOf(limit)));
            }
        }
        if (emails.isEmpty() && webhook == null && !body.containsKey("webhook")
                && (!(body.getValue("emails") instanceof JsonArray a) || a.isEmpty())) {
            violation.accept("notifications", "needs emails or a webhook (or leave notifications out)");
        }
        return new NotificationSettings(emails, webhook, on, deadLettersPerHour);
    }

    private List<String> emails(Object value, BiConsumer<String, String> violation) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            violation.accept("notifications.emails", "must be an array of e-mail addresses");
            return List.of();
        }
        if (array.size() > MAX_EMAILS) {
            violation.accept("notifications.emails", "must have at most " + MAX_EMAILS + " addresses, has " + array.size());
        }
        if (!array.isEmpty() && !emailConfigured) {
            violation.accept("notifications.emails", "e-mail notifications need an SMTP relay: this provisioner has no PROVISIONER_SMTP_HOST");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof String text) || text.length() > 254 || !EMAIL.matcher(text).matches()) {
                violation.accept("notifications.emails[" + i + "]", "must be an e-mail address (name@example.com)");
            } else if (out.stream().anyMatch(text::equalsIgnoreCase)) {
                violation.accept("notifications.emails[" + i + "]", "is listed twice");
            } else {
                out.add(text);
            }
        }
        return out;
    }

    private NotificationSettings.Webhook webhook(Object value, BiConsumer<String, String> violation) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject webhook)) {
            violation.accept("notifications.webhook", "must be an object with url and secret");
            return null;
        }
        webhook.fieldNames().stream().filter(name -> !WEBHOOK_KEYS.contains(name)).sorted().forEach(name ->
                violation.accept("notifications.webhook." + name, "is not a known property; allowed: secret, url"));
        String url = url(webhook.getValue("url"), violation);
        Object secret = webhook.getValue("secret");
        boolean secretOk = secret instanceof String s && SECRET.matcher(s).matches();
        if (!secretOk) {
            violation.accept("notifications.webhook.secret", secret == null ? "is required"
                    : "is not a valid value (16 to 500 printable ASCII characters without spaces)");
        }
        return url == null || !secretOk ? null : new NotificationSettings.Webhook(url, (String) secret);
    }

    private String url(Object value, BiConsumer<String, String> violation) {
        String path = "notifications.webhook.url";
        if (value == null) {
            violation.accept(path, "is required");
            return null;
        }
        if (!(value instanceof String text) || text.length() > 2000 || text.chars().anyMatch(c -> c <= 0x20 || c == 0x7F)) {
            violation.accept(path, "must be an https URL of at most 2000 characters without spaces");
            return null;
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            violation.accept(path, "is not a URL, was \"" + clip(text) + "\"");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            violation.accept(path, "must be an https URL" + (scheme.equals("http")
                    ? " (http is allowed only in local mode: PROVISIONER_NOTIFICATIONS_ALLOW_HTTP)" : "")
                    + ", was \"" + clip(text) + "\"");
            return null;
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            violation.accept(path, "must have a host and no user information or fragment");
            return null;
        }
        return text;
    }

    private static String clip(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
