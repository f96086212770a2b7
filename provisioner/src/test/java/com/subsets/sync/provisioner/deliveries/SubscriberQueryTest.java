package com.subsets.sync.provisioner.deliveries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.model.SubscriberKey;
import org.junit.jupiter.api.Test;

class SubscriberQueryTest {

    @Test
    void aUserIdByDefaultAnEmailWhenAskedFor() {
        SubscriberQuery byId = SubscriberQuery.parse("acme", "u-1", null);
        assertThat(byId.stateKey()).isEqualTo(SubscriberKey.ofUserId("acme", "u-1").encode());
        assertThat(byId.email()).isNull();
        assertThat(byId.by()).isEqualTo("userId");
        assertThat(SubscriberQuery.parse("acme", "u-1", "userId")).isEqualTo(byId);
        SubscriberQuery byEmail = SubscriberQuery.parse("acme", "ada@example.com", "email");
        assertThat(byEmail.stateKey()).isEqualTo(SubscriberKey.ofEmail("acme", "ada@example.com").encode());
        assertThat(byEmail.email()).isEqualTo("ada@example.com");
    }

    @Test
    void boundsWhatComesFromOutside() {
        assertThat(SubscriberQuery.parse("acme", "u".repeat(256), null).id()).hasSize(256);
        assertThatThrownBy(() -> SubscriberQuery.parse("acme", "u".repeat(257), null))
                .isInstanceOfSatisfying(SubscriberQuery.Invalid.class, e -> {
                    assertThat(e.code()).isEqualTo("invalid_subscriber");
                    assertThat(e.getMessage()).contains("?by=email");
                    assertThat(e.violations()).extracting(v -> v.path()).containsExactly("subscriber");
                });
        assertThatThrownBy(() -> SubscriberQuery.parse("acme", "u\u0000", null)).isInstanceOf(SubscriberQuery.Invalid.class);
        assertThatThrownBy(() -> SubscriberQuery.parse("acme", "a".repeat(250) + "@x.io", "email"))
                .isInstanceOfSatisfying(SubscriberQuery.Invalid.class, e -> assertThat(e.code()).isEqualTo("invalid_subscriber"));
        assertThatThrownBy(() -> SubscriberQuery.parse("acme", "u-1", "phone"))
                .isInstanceOfSatisfying(SubscriberQuery.Invalid.class, e -> assertThat(e.code()).isEqualTo("invalid_by"));
    }
}
