package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a dispatcher reads its destinations from, and that credentials never come over plain http unless allowed. */
class DirectoriesTest {

    private static Object read(Map<String, String> env) {
        return Directories.fromEnv(new EnvReader(env::get), "ITERABLE_", "iterable", (json, tenant) -> null);
    }

    private static Map<String, String> provisioner(String url) {
        Map<String, String> env = new HashMap<>();
        env.put("ITERABLE_PROVISIONER_URL", url);
        env.put("ITERABLE_PROVISIONER_TOKEN", "t");
        return env;
    }

    @Test
    void aPlainHttpProvisionerIsRefusedUnlessExplicitlyAllowed() {
        Map<String, String> env = provisioner("http://provisioner:8083");
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ITERABLE_PROVISIONER_URL is plain http")
                .hasMessageContaining("ITERABLE_PROVISIONER_ALLOW_PLAINTEXT=true");

        env.put("ITERABLE_PROVISIONER_ALLOW_PLAINTEXT", "yes");
        assertThatThrownBy(() -> read(env)).hasMessage("ITERABLE_PROVISIONER_ALLOW_PLAINTEXT must be true or false, was 'yes'");
        env.put("ITERABLE_PROVISIONER_ALLOW_PLAINTEXT", "false");
        assertThatThrownBy(() -> read(env)).hasMessageStartingWith("ITERABLE_PROVISIONER_URL is plain http");

        env.put("ITERABLE_PROVISIONER_ALLOW_PLAINTEXT", "true");
        assertThat(read(env)).isNotNull();
    }

    @Test
    void anHttpsProvisionerNeedsNoPermission() {
        assertThat(read(provisioner("https://provisioner.internal:8443"))).isNotNull();
        assertThatThrownBy(() -> read(provisioner("ftp://provisioner:8083")))
                .hasMessage("ITERABLE_PROVISIONER_URL must be an http(s) URL with a host");
    }
}
