package com.subsets.sync.state.stream;

import java.time.Duration;
import java.util.Objects;

/**
 * How the state service remembers erased identifiers: the HMAC key their hashes are made with
 * ({@code STATE_ERASURE_SALT}, a secret: never printed) and how long an entry is kept ({@code STATE_ERASURE_MEMORY}).
 */
public record ErasureSettings(byte[] salt, Duration memory) {

    /** How often the memory is swept for expired entries (wall clock): hourly, or as often as the memory is short. */
    static final Duration MAX_SWEEP_INTERVAL = Duration.ofHours(1);

    public ErasureSettings {
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(memory, "memory");
        salt = salt.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    Duration sweepInterval() {
        return memory.compareTo(MAX_SWEEP_INTERVAL) < 0 ? memory : MAX_SWEEP_INTERVAL;
    }

    @Override
    public String toString() {
        return "ErasureSettings[salt hidden, memory=" + memory + "]";
    }
}
