package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.runtime.ConfigException;
import org.junit.jupiter.api.Test;

class StaticDestinationsTest {

    @Test
    void aBadJsonValueIsPlacedButNeverQuoted() {
        String json = "{\"acme\":{\"apiKey\":\"s3cret-key-value\" \"projectId\":\"p1\"}}";

        assertThatThrownBy(() -> StaticDestinations.parse(json, "ITERABLE_DESTINATIONS", (entry, where) -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("ITERABLE_DESTINATIONS is not valid JSON (line 1, column")
                .message().doesNotContain("s3cret").doesNotContain("projectId");
    }
}
