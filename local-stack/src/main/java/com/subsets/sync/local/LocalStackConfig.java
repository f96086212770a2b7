package com.subsets.sync.local;


import com.subsets.sync.runtime.EnvReader;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;

/**
 * How the local stack runs, from the environment. Every port defaults to the usual one, or a free one
 * when that is taken. {@code KAFKA_BOOTSTRAP_SERVERS} set means a real broker instead of the embedded
 * one; {@code PROVISIONER_DB_HOST} set means a real PostgreSQL (with {@code PROVISIONER_DB_*} and a
 * fixed {@code PROVISIONER_ENCRYPTION_KEYS}). {@code LOCAL_DEMO=false} starts the system without the
 * simulators' demo tenant, for real credentials registered through the provisioner's API.
 */
record LocalStackConfig(
        String host,
        int ingestPort,
        int iterableDispatcherPort,
        int blueConicDispatcherPort,
        int provisionerPort,
        int statePort,
        int ingestMetricsPort,
        int provisionerMetricsPort,
        int iterableSimulatorPort,
        int blueConicSimulatorPort,
        String externalKafka,
        boolean externalPostgres,
        boolean demo,
        int demoSubscribers,
        boolean exitAfterDemo,
        String ingestToken,
        String operatorToken,
        String iterableDispatcherToken,
        String blueConicDispatcherToken,
        String lookupToken,
        String encryptionKeys,
        EnvReader env,
        Map<String, String> serviceEnv) {

    static LocalStackConfig fromEnv(EnvReader env) {
        String host = env.string("LOCAL_HOST", "127.0.0.1");
        return new LocalStackConfig(host,
                Ports.preferred(host, env.integer("LOCAL_INGEST_PORT", 8080, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_ITERABLE_DISPATCHER_PORT", 8081, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_BLUECONIC_DISPATCHER_PORT", 8082, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_PROVISIONER_PORT", 8083, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_STATE_PORT", 8084, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_INGEST_METRICS_PORT", 9080, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_PROVISIONER_METRICS_PORT", 9083, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_ITERABLE_SIMULATOR_PORT", 8090, 0, 65535)),
                Ports.preferred(host, env.integer("LOCAL_BLUECONIC_SIMULATOR_PORT", 8091, 0, 65535)),
                env.string("KAFKA_BOOTSTRAP_SERVERS", null),
                env.string("PROVISIONER_DB_HOST", null) != null,
                Boolean.parseBoolean(env.string("LOCAL_DEMO", "true")),
                env.integer("LOCAL_DEMO_SUBSCRIBERS", 100, 10, 10_000),
                Boolean.parseBoolean(env.string("LOCAL_EXIT_AFTER_DEMO", "false")),
                env.string("LOCAL_INGEST_TOKEN", randomToken()),
                env.string("LOCAL_OPERATOR_TOKEN", randomToken()),
                randomToken(),
                randomToken(),
                env.string("LOCAL_LOOKUP_TOKEN", randomToken()),
                env.string("PROVISIONER_ENCRYPTION_KEYS", "local:" + randomKey()),
                env,
                Map.of());
    }

    /** The same stack with these variables set for every service (tests: shorter parking and refresh times). */
    LocalStackConfig withServiceEnv(Map<String, String> variables) {
        return new LocalStackConfig(host, ingestPort, iterableDispatcherPort, blueConicDispatcherPort, provisionerPort, statePort,
                ingestMetricsPort, provisionerMetricsPort, iterableSimulatorPort, blueConicSimulatorPort, externalKafka, externalPostgres, demo, demoSubscribers, exitAfterDemo,
                ingestToken, operatorToken, iterableDispatcherToken, blueConicDispatcherToken, lookupToken, encryptionKeys, env,
                Map.copyOf(variables));
    }

    private static String randomToken() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /**
     * Where each service's {@code /health/*} and {@code /metrics} are: ingest and the provisioner on a port apart
     * from their API; the dispatchers and subscriber-state have no API, their one port is the operations port.
     */
    Map<String, Integer> metricsPorts() {
        Map<String, Integer> ports = new java.util.LinkedHashMap<>();
        ports.put("ingest-service", ingestMetricsPort);
        ports.put("iterable-dispatcher", iterableDispatcherPort);
        ports.put("blueconic-dispatcher", blueConicDispatcherPort);
        ports.put("provisioner", provisionerMetricsPort);
        ports.put("subscriber-state", statePort);
        return ports;
    }

    String url(int port) {
        return "http://" + host + ":" + port;
    }
}
