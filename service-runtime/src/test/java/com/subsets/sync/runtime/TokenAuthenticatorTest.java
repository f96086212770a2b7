package com.subsets.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenAuthenticatorTest {

    private final TokenAuthenticator authenticator = new TokenAuthenticator(List.of(
            TokenAuthenticator.sha256("old-token"), TokenAuthenticator.sha256("new-token")));

    @Test
    void acceptsEveryConfiguredTokenSoTokensCanRotate() {
        assertThat(authenticator.isAuthorized("Bearer old-token")).isTrue();
        assertThat(authenticator.isAuthorized("Bearer new-token")).isTrue();
        assertThat(authenticator.isAuthorized("bearer new-token")).as("the scheme is case-insensitive").isTrue();
    }

    @Test
    void refusesAnythingElse() {
        assertThat(authenticator.isAuthorized(null)).isFalse();
        assertThat(authenticator.isAuthorized("")).isFalse();
        assertThat(authenticator.isAuthorized("Bearer ")).isFalse();
        assertThat(authenticator.isAuthorized("Bearer other-token")).isFalse();
        assertThat(authenticator.isAuthorized("Basic bmV3LXRva2Vu")).isFalse();
        assertThat(authenticator.isAuthorized("new-token")).isFalse();
    }
}
