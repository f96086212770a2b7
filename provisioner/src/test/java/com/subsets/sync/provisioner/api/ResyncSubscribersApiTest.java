package com.subsets.sync.provisioner.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResyncSubscribersApiTest {

    @Test
    void aPageIsOneToTenThousandKeysTheMostWhenNotSaid() {
        assertThat(ResyncSubscribersApi.limit(null)).isEqualTo(10_000);
        assertThat(ResyncSubscribersApi.limit("1")).isEqualTo(1);
        assertThat(ResyncSubscribersApi.limit("10000")).isEqualTo(10_000);
        for (String wrong : List.of("0", "-1", "10001", "ten", "", "99999999999")) {
            assertThatThrownBy(() -> ResyncSubscribersApi.limit(wrong)).as(wrong).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.code()).isEqualTo("invalid_limit");
                assertThat(e.getMessage()).contains("1 to 10000");
            });
        }
    }
}
