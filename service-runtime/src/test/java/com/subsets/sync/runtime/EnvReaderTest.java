package com.subsets.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvReaderTest {

    private final Map<String, String> vars = Map.of(
            "PORT", "8080", "BAD_PORT", "80a", "BIG", "70000", "LIST", " a, b ,,c ",
            "KAFKA_PROPERTY_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_PROPERTY_SASL_MECHANISM", "PLAIN", "OTHER", "x");
    private final EnvReader env = new EnvReader(vars::get);

    @Test
    void readsTypedValuesWithDefaults() {
        assertThat(env.integer("PORT", 1, 0, 65535)).isEqualTo(8080);
        assertThat(env.integer("UNSET", 7, 0, 10)).isEqualTo(7);
        assertThat(env.string("UNSET", "dflt")).isEqualTo("dflt");
        assertThat(env.millis("PORT", Duration.ZERO, Duration.ZERO, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(8, 80_000_000));
        assertThat(env.list("LIST")).isEqualTo(List.of("a", "b", "c"));
    }

    @Test
    void failuresNameTheVariable() {
        assertThatThrownBy(() -> env.integer("BAD_PORT", 1, 0, 65535))
                .isInstanceOf(ConfigException.class).hasMessage("BAD_PORT must be a whole number from 0 to 65535, was '80a'");
        assertThatThrownBy(() -> env.integer("BIG", 1, 0, 65535)).hasMessage("BIG must be from 0 to 65535, was 70000");
        assertThatThrownBy(() -> env.required("MISSING")).hasMessage("MISSING is required");
    }

    @Test
    void passesPrefixedVariablesThroughAsClientProperties() {
        assertThat(env.passThrough("KAFKA_PROPERTY_", vars.keySet())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    }
}
