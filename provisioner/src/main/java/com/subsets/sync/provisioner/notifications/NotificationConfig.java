package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.time.Duration;
import java.util.Locale;

/**
 * How notices are sent: the SMTP relay (null: none, and registrations with e-mail addresses are refused), whether a
 * webhook may be plain http (local mode only), how often each replica looks for due deliveries, the retry backoff and
 * for how long a notice is retried before it is given up, each attempt's timeout, the dead letters in an hour that make
 * a notice by default, and how often each replica looks for daily summaries to queue.
 */
public record NotificationConfig(Smtp smtp, boolean allowHttp, Duration interval, Duration retryBase, Duration retryMax,
                                 Duration giveUpAfter, Duration timeout, int deadLettersPerHour, Duration dailyCheck) {

    /** Dead letters in an hour that make a notice when a destination names no threshold. */
    public static final int DEFAULT_DEAD_LETTERS_PER_HOUR = 100;

    /** STARTTLS: {@code required} (never AUTH or a message in the clear), {@code optional} or {@code disabled}. */
    public record Smtp(String host, int port, String startTls, String username, String password, String from) {
        @Override
        public String toString() {
            return "Smtp[host=" + host + ", port=" + port + ", startTls=" + startTls + ", username=" + username + ", from=" + from + "]";
        }
    }

    public static NotificationConfig fromEnv(EnvReader env) {
        return new NotificationConfig(smtp(env),
                Boolean.parseBoolean(env.string("PROVISIONER_NOTIFICATIONS_ALLOW_HTTP", "false")),
                env.millis("PROVISIONER_NOTIFICATIONS_INTERVAL_MS", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMinutes(5)),
                env.millis("PROVISIONER_NOTIFICATIONS_RETRY_BASE_MS", Duration.ofSeconds(5), Duration.ofMillis(10), Duration.ofHours(1)),
                env.millis("PROVISIONER_NOTIFICATIONS_RETRY_MAX_DELAY_MS", Duration.ofMinutes(10), Duration.ofMillis(10), Duration.ofDays(1)),
                env.millis("PROVISIONER_NOTIFICATIONS_GIVE_UP_MS", Duration.ofHours(24), Duration.ofSeconds(1), Duration.ofDays(7)),
                env.millis("PROVISIONER_NOTIFICATIONS_TIMEOUT_MS", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(2)),
                env.integer("PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR", DEFAULT_DEAD_LETTERS_PER_HOUR, 1,
                        NotificationSettingsReader.MAX_DEAD_LETTERS_PER_HOUR),
                env.millis("PROVISIONER_NOTIFICATIONS_DAILY_CHECK_MS", Duration.ofMinutes(1), Duration.ofMillis(50), Duration.ofHours(1)));
    }

    private static Smtp smtp(EnvReader env) {
        String host = env.string("PROVISIONER_SMTP_HOST", null);
        if (host == null) {
            return null;
        }
        String startTls = env.string("PROVISIONER_SMTP_STARTTLS", "required").toLowerCase(Locale.ROOT);
        if (!startTls.equals("required") && !startTls.equals("optional") && !startTls.equals("disabled")) {
            throw new ConfigException("PROVISIONER_SMTP_STARTTLS must be one of required, optional, disabled");
        }
        String from = env.string("PROVISIONER_SMTP_FROM", null);
        if (from == null || !from.matches("[^\\s<>,;]+@[^\\s<>,;]+")) {
            throw new ConfigException("PROVISIONER_SMTP_FROM is required with PROVISIONER_SMTP_HOST: the sender's address, e.g. "
                    + "notifications@subsets.example");
        }
        String username = env.string("PROVISIONER_SMTP_USERNAME", null);
        String password = env.string("PROVISIONER_SMTP_PASSWORD", null);
        if ((username == null) != (password == null)) {
            throw new ConfigException("PROVISIONER_SMTP_USERNAME and PROVISIONER_SMTP_PASSWORD go together (AUTH), or neither");
        }
        return new Smtp(host, env.integer("PROVISIONER_SMTP_PORT", 587, 1, 65535), startTls, username, password, from);
    }
}
