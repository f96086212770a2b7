package com.subsets.sync.state;

import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** The environment a test or benchmark starts the state service with: its topics, its own application id and state dir. */
final class StateServiceEnv {

    private StateServiceEnv() {
    }

    /** A test's salt for the erased identifiers' hashes (any 16 characters or more). */
    static final String SALT = "test-erasure-salt-0123456789";

    /**
     * Application {@code id}, reading {@code events}, writing {@code state}, {@code <events>.dlq} and
     * {@link #erasures}, on loopback.
     */
    static Map<String, String> of(String bootstrapServers, String id, String events, String state) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers, "STATE_APPLICATION_ID", id,
                "STATE_EVENTS_TOPIC", events, "STATE_TOPIC", state, "STATE_DEAD_LETTER_TOPIC", events + ".dlq",
                "STATE_DIR", Files.createTempDirectory(id).toString(), "STATE_HTTP_HOST", "127.0.0.1", "STATE_HTTP_PORT", "0"));
        env.put("STATE_ERASURES_TOPIC", erasures(events));
        env.put("STATE_ERASURE_SALT", SALT);
        return env;
    }

    /** The erasures topic of a test reading {@code events}: to create with its other topics. */
    static String erasures(String events) {
        return events + ".erasures";
    }
}
