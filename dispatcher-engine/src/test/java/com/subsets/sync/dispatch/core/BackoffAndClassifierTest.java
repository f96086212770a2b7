package com.subsets.sync.dispatch.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffAndClassifierTest {

    @Test
    void fullJitterBetweenZeroAndAnExponentialCeiling() {
        Backoff top = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(5), () -> 0.999999);
        Backoff bottom = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(5), () -> 0.0);

        assertThat(top.delayMillis(1)).isEqualTo(99);
        assertThat(top.delayMillis(4)).isEqualTo(799);
        assertThat(top.delayMillis(20)).as("capped").isEqualTo(29_999);
        assertThat(bottom.delayMillis(5)).isZero();
        assertThat(bottom.delayMillis(1, 2_000)).as("Retry-After is honoured").isEqualTo(2_000);
    }

    @Test
    void aRetryAfterIsHonouredButNeverPastTheGiveUpTime() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(5), () -> 0.0);
        assertThat(backoff.delayMillis(1, 3_000)).isEqualTo(3_000);
        assertThat(backoff.delayMillis(1, Duration.ofDays(1).toMillis())).isEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void retriesAreBoundedInTime() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofMinutes(5), () -> 0.5);
        assertThat(backoff.mayRetry(0, 299_999)).isTrue();
        assertThat(backoff.mayRetry(0, 300_000)).isFalse();
    }

    @Test
    void classifiesFailuresInOnePlace() {
        assertThat(FailureClassifier.ofStatus(429, "").kind()).isEqualTo(Outcome.Kind.RETRIABLE);
        assertThat(FailureClassifier.ofStatus(503, "").kind()).isEqualTo(Outcome.Kind.RETRIABLE);
        assertThat(FailureClassifier.ofStatus(500, "").reason()).isEqualTo("destination_error_500");
        assertThat(FailureClassifier.ofStatus(400, "{\"code\":\"BadParams\"}"))
                .isEqualTo(Outcome.permanent("rejected_400", "{\"code\":\"BadParams\"}"));
        assertThat(FailureClassifier.ofStatus(401, "").reason()).isEqualTo("unauthorized");
        assertThat(FailureClassifier.ofException(new ConnectException("refused")))
                .isEqualTo(Outcome.retriable("unreachable", "ConnectException: refused"));
    }
}
