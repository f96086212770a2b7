package com.subsets.sync.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.TokenAuthenticator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvisionerConfigTest {

    private static final String KEY = "k1:" + ProvisionerTestKit.KEY;

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("PROVISIONER_OPERATOR_TOKEN_SHA256", TokenAuthenticator.sha256Hex("operator"));
        env.put("PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex("iterable"));
        env.put("PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256", TokenAuthenticator.sha256Hex("blueconic"));
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "acme:" + TokenAuthenticator.sha256Hex("lookup"));
        env.put("PROVISIONER_ENCRYPTION_KEYS", KEY);
        env.put("PROVISIONER_ERASURE_SALT", "provisioner-test-erasure-salt");
        return env;
    }

    private static ProvisionerConfig read(Map<String, String> env) {
        return ProvisionerConfig.fromEnv(new EnvReader(env::get), env.keySet());
    }

    @Test
    void operationsHaveTheirOwnPortAndTheServerItsLimits() {
        Map<String, String> env = env();
        ProvisionerConfig config = read(env);

        assertThat(config.httpPort()).isEqualTo(8083);
        assertThat(config.metricsPort()).isEqualTo(9083);
        assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http().bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.http().maxConnections()).isEqualTo(1000);

        env.put("PROVISIONER_METRICS_PORT", "8083");
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class)
                .hasMessage("PROVISIONER_METRICS_PORT must differ from PROVISIONER_HTTP_PORT (8083)");
    }

    @Test
    void aReplayNamesAtMostTheCapOfSubscribersOneToAMillion() {
        Map<String, String> env = env();
        assertThat(read(env).replayMaxSubscribers()).isEqualTo(100_000);
        env.put("PROVISIONER_REPLAY_MAX_SUBSCRIBERS", "2500");
        assertThat(read(env).replayMaxSubscribers()).isEqualTo(2_500);
        for (String wrong : List.of("0", "1000001", "lots")) {
            env.put("PROVISIONER_REPLAY_MAX_SUBSCRIBERS", wrong);
            assertThatThrownBy(() -> read(env)).as(wrong).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("PROVISIONER_REPLAY_MAX_SUBSCRIBERS");
        }
    }

    @Test
    void sealingKeysComeFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("encryption-keys");
        Files.writeString(file, KEY + "\n");
        Map<String, String> env = env();
        env.remove("PROVISIONER_ENCRYPTION_KEYS");
        env.put("PROVISIONER_ENCRYPTION_KEYS_FILE", file.toString());
        ProvisionerConfig config = read(env);
        byte[] aad = "tenant".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(config.secrets().open(config.secrets().seal("a secret".getBytes(java.nio.charset.StandardCharsets.UTF_8), aad), aad))
                .asString().isEqualTo("a secret");

        env.put("PROVISIONER_ENCRYPTION_KEYS", KEY);
        assertThatThrownBy(() -> read(env)).hasMessage("set PROVISIONER_ENCRYPTION_KEYS or PROVISIONER_ENCRYPTION_KEYS_FILE, not both");
        env.remove("PROVISIONER_ENCRYPTION_KEYS");
        env.put("PROVISIONER_ENCRYPTION_KEYS_FILE", dir.resolve("missing").toString());
        assertThatThrownBy(() -> read(env)).hasMessageStartingWith("PROVISIONER_ENCRYPTION_KEYS_FILE")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void aTokenHashInTwoRolesIsRefusedNamingTheVariablesNotTheHash() {
        assertThat(read(env()).operators()).isNotNull();
        String[][] pairs = {
                {"PROVISIONER_OPERATOR_TOKEN_SHA256", "PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256"},
                {"PROVISIONER_ITERABLE_DISPATCHER_TOKEN_SHA256", "PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256"},
                {"PROVISIONER_OPERATOR_TOKEN_SHA256", "PROVISIONER_LOOKUP_TOKEN_SHA256"},
                {"PROVISIONER_BLUECONIC_DISPATCHER_TOKEN_SHA256", "PROVISIONER_LOOKUP_TOKEN_SHA256"}};
        for (String[] pair : pairs) {
            Map<String, String> env = env();
            String shared = env.get(pair[0]).substring(env.get(pair[0]).indexOf(':') + 1);
            // Among others, and in upper case: the same hash all the same.
            String prefix = pair[1].equals("PROVISIONER_LOOKUP_TOKEN_SHA256") ? "acme:" : "";
            env.put(pair[1], prefix + TokenAuthenticator.sha256Hex("another") + "," + prefix + shared.toUpperCase());
            assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(pair[0]).hasMessageContaining(pair[1])
                    .hasMessageNotContaining(shared).hasMessageNotContaining(shared.toUpperCase());
        }
    }

    @Test
    void lookupTokensReadOnlyTheTenantsTheyAreIssuedFor() {
        Map<String, String> env = env();
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "acme:" + TokenAuthenticator.sha256Hex("a") + ",brand:"
                + TokenAuthenticator.sha256Hex("a") + ",other:" + TokenAuthenticator.sha256Hex("b").toUpperCase());
        var lookups = read(env).segments().lookups();
        assertThat(lookups.mayRead("Bearer a", "acme")).isTrue();
        assertThat(lookups.mayRead("Bearer a", "brand")).isTrue();
        assertThat(lookups.mayRead("Bearer a", "other")).isFalse();
        assertThat(lookups.mayRead("Bearer b", "other")).isTrue();
        assertThat(lookups.mayRead("Bearer b", "acme")).isFalse();
        assertThat(lookups.mayRead("Bearer c", "acme")).isFalse();
        assertThat(lookups.mayRead(null, "acme")).isFalse();
        assertThat(lookups.any().isAuthorized("Bearer b")).isTrue();

        // A hash without its tenant would read every tenant: refused at start, naming the variable and the format.
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", TokenAuthenticator.sha256Hex("a"));
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("PROVISIONER_LOOKUP_TOKEN_SHA256").hasMessageContaining("<tenantId>:");
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "Not A Tenant:" + TokenAuthenticator.sha256Hex("a"));
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class);
        env.remove("PROVISIONER_LOOKUP_TOKEN_SHA256");
        assertThat(read(env).segments().lookups()).as("operators only").isNull();
    }

    @Test
    void severalTokensOfOneRoleAreFine() {
        Map<String, String> env = env();
        env.put("PROVISIONER_OPERATOR_TOKEN_SHA256", String.join(",", List.of(TokenAuthenticator.sha256Hex("a"),
                TokenAuthenticator.sha256Hex("b"))));
        assertThat(read(env).operators().isAuthorized("Bearer b")).isTrue();
    }

    @Test
    void postgresTlsNeedsItsRootCertificateToVerify() throws Exception {
        Map<String, String> env = env();
        assertThat(read(env).database().sslMode()).isEqualTo("disable");
        env.put("PROVISIONER_DB_SSLMODE", "verify-full");
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class).hasMessageContaining("PROVISIONER_DB_SSL_ROOT_CERT");
        java.nio.file.Path cert = java.nio.file.Files.createTempFile("root", ".crt");
        env.put("PROVISIONER_DB_SSL_ROOT_CERT", cert.toString());
        assertThat(read(env).database().sslRootCert()).isEqualTo(cert.toString());
        env.put("PROVISIONER_DB_SSLMODE", "on");
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class).hasMessageContaining("PROVISIONER_DB_SSLMODE");
    }
}
