package com.subsets.sync.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * How a service remembers erased identifiers (issue 29), read alike by every service that does: {@code <PREFIX>_ERASURE_SALT},
 * the secret key of their HMAC-SHA256 hashes (required, at least {@value #MIN_SALT_CHARS} characters, never in a message),
 * and {@code <PREFIX>_ERASURE_MEMORY}, how long they are remembered (an ISO-8601 duration or a whole number of days).
 */
public final class ErasureMemoryConfig {

    public static final Duration DEFAULT_MEMORY = Duration.ofDays(30);
    public static final int MIN_SALT_CHARS = 16;

    private ErasureMemoryConfig() {
    }

    public static byte[] salt(EnvReader env, String prefix) {
        String name = prefix + "_ERASURE_SALT";
        String salt = env.string(name, null);
        if (salt == null) {
            throw new ConfigException(name + " is required: the secret key of the erased identifiers' hashes "
                    + "(e.g. $(head -c 32 /dev/urandom | base64)); keep it for as long as " + prefix
                    + "_ERASURE_MEMORY, a new one forgets every erasure");
        }
        if (salt.length() < MIN_SALT_CHARS) {
            throw new ConfigException(name + " must be at least " + MIN_SALT_CHARS + " characters, has " + salt.length());
        }
        return salt.getBytes(StandardCharsets.UTF_8);
    }

    public static Duration memory(EnvReader env, String prefix) {
        String name = prefix + "_ERASURE_MEMORY";
        String raw = env.string(name, null);
        if (raw == null) {
            return DEFAULT_MEMORY;
        }
        Duration memory;
        try {
            memory = raw.chars().allMatch(Character::isDigit) ? Duration.ofDays(Long.parseLong(raw)) : Duration.parse(raw);
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            memory = null;
        }
        if (memory == null || memory.compareTo(Duration.ofMinutes(1)) < 0 || memory.compareTo(Duration.ofDays(3650)) > 0) {
            throw new ConfigException(name + " must be an ISO-8601 duration (P30D, PT12H) or a whole number of days, "
                    + "from one minute to 3650 days, was '" + raw + "'");
        }
        return memory;
    }
}
