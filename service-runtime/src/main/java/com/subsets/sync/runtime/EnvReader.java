package com.subsets.sync.runtime;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Typed reading of environment variables with defaults for local use. Every failure is a
 * {@link ConfigException} naming the variable, so a service fails fast at start with a message an
 * operator can act on. Values of secrets never appear in messages.
 */
public final class EnvReader {

    private final Function<String, String> env;

    public EnvReader(Function<String, String> env) {
        this.env = env;
    }

    public static EnvReader system() {
        return new EnvReader(System::getenv);
    }

    public String string(String name, String fallback) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    public String required(String name) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException(name + " is required");
        }
        return value.trim();
    }

    public int integer(String name, int fallback, int min, int max) {
        return (int) longValue(name, fallback, min, max);
    }

    public long longValue(String name, long fallback, long min, long max) {
        String raw = env.apply(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(name + " must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    /** A duration given in milliseconds. */
    public Duration millis(String name, Duration fallback, Duration min, Duration max) {
        return Duration.ofMillis(longValue(name, fallback.toMillis(), min.toMillis(), max.toMillis()));
    }

    /** A comma-separated list; empty when unset. */
    public List<String> list(String name) {
        String raw = env.apply(name);
        if (raw == null || raw.isBlank()) {
            return List.of();
        }
        return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /**
     * Client properties passed through verbatim: {@code KAFKA_PROPERTY_SECURITY_PROTOCOL=SASL_SSL}
     * becomes {@code security.protocol=SASL_SSL}. How to reach a real cluster is configuration only.
     */
    public Map<String, String> passThrough(String prefix, Iterable<String> names) {
        Map<String, String> properties = new TreeMap<>();
        for (String name : names) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                String key = name.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                properties.put(key, env.apply(name));
            }
        }
        return properties;
    }
}
