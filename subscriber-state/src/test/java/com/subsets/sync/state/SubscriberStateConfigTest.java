package com.subsets.sync.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The erasure settings read from the environment: the salt required and never printed, the memory as a duration or days. */
class SubscriberStateConfigTest {

    private static final String SALT = "a-secret-salt-of-some-length";

    private static SubscriberStateConfig config(Map<String, String> env) {
        return SubscriberStateConfig.fromEnv(new EnvReader(env::get), env.keySet());
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void theSaltIsRequiredLongEnoughAndNeverPrinted() {
        assertThatThrownBy(() -> config(env())).isInstanceOf(ConfigException.class).hasMessageContaining("STATE_ERASURE_SALT is required");
        assertThatThrownBy(() -> config(env("STATE_ERASURE_SALT", "short-salt"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 16 characters").hasMessageNotContaining("short-salt");

        SubscriberStateConfig config = config(env("STATE_ERASURE_SALT", SALT));

        assertThat(config.erasure().salt()).isEqualTo(SALT.getBytes(StandardCharsets.UTF_8));
        assertThat(config.toString()).doesNotContain(SALT).contains("salt hidden");
        assertThat(config.erasuresTopic()).isEqualTo(Topics.ERASURES);
        assertThat(config.erasure().memory()).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void theMemoryIsAnIsoDurationOrDaysWithinBounds() {
        assertThat(config(env("STATE_ERASURE_SALT", SALT, "STATE_ERASURE_MEMORY", "7")).erasure().memory()).isEqualTo(Duration.ofDays(7));
        assertThat(config(env("STATE_ERASURE_SALT", SALT, "STATE_ERASURE_MEMORY", "PT12H")).erasure().memory()).isEqualTo(Duration.ofHours(12));
        assertThat(config(env("STATE_ERASURE_SALT", SALT, "STATE_ERASURE_MEMORY", "P90D", "STATE_ERASURES_TOPIC", "other"))
                .erasuresTopic()).isEqualTo("other");
        for (String bad : new String[] {"thirty", "PT1S", "P4000D", "-3"}) {
            assertThatThrownBy(() -> config(env("STATE_ERASURE_SALT", SALT, "STATE_ERASURE_MEMORY", bad))).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("STATE_ERASURE_MEMORY").hasMessageContaining(bad);
        }
    }
}
