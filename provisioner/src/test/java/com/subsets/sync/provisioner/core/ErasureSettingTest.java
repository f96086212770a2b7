package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Violation;
import org.junit.jupiter.api.Test;

class ErasureSettingTest {

    @Test
    void clearByDefaultForgetWhenAskedAndAnythingElseNamedWithTheAllowedValues() {
        assertThat(ErasureSetting.read(false, null)).isEqualTo(new ErasureSetting.Read("clear", java.util.List.of()));
        assertThat(ErasureSetting.read(true, "forget").mode()).isEqualTo("forget");
        assertThat(ErasureSetting.read(true, "clear").problems()).isEmpty();
        for (Object bad : new Object[] {"shred", "", "FORGET", 1, null, true}) {
            assertThat(ErasureSetting.read(true, bad).problems()).as(String.valueOf(bad)).singleElement().satisfies(v -> {
                assertThat(v.path()).isEqualTo("erasure");
                assertThat(v.message()).contains("clear, forget").contains(bad == null ? "null" : String.valueOf(bad));
            });
        }
        Violation long_ = ErasureSetting.read(true, "x".repeat(500)).problems().get(0);
        assertThat(long_.message().length()).isLessThan(120);
    }
}
