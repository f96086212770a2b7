package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.ConfigException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** How an erasure enters the engine: a state-topic tombstone with its header, or a subscriber.erased event. */
class ErasureInputTest {

    private static final Erasure ERASURE = new Erasure("er-1", "acme", Instant.parse("2026-12-01T10:00:00Z"),
            new Subscriber("u-1", "ada@example.com"));

    @Test
    void aTombstoneWithTheHeaderIsAnErasureOfTheWholeIdentityItNames() {
        InputFormat.Decoded decoded = InputFormat.tombstone(Map.of(Erasure.HEADER, ERASURE.encode()));

        assertThat(decoded.incoming()).isInstanceOf(Incoming.Erase.class);
        assertThat(decoded.incoming().erasure()).isEqualTo(ERASURE);
        assertThat(decoded.incoming().subscriber()).isEqualTo(ERASURE.subscriber());
        assertThat(decoded.incoming().tenantId()).isEqualTo("acme");
    }

    @Test
    void aTombstoneWithoutTheHeaderIsNothingToDeliverAndABadHeaderIsNamed() {
        assertThat(InputFormat.tombstone(Map.of())).isNull();
        InputFormat.Decoded bad = InputFormat.tombstone(Map.of(Erasure.HEADER, "{}".getBytes()));
        assertThat(bad.incoming()).isNull();
        assertThat(bad.reason()).isEqualTo("invalid_erasure");
        assertThat(bad.detail()).contains(Erasure.HEADER).contains("erasureId");
    }

    @Test
    void anErasedEventIsAnErasureAndOtherEventsAreNot() {
        AssignmentEvent erased = new AssignmentEvent("er-2", EventType.ERASED, "acme", Instant.parse("2026-12-01T10:00:00Z"),
                new Subscriber(null, "ada@example.com"), null, null, null, null);
        assertThat(new Incoming.Event(erased).erasure().erasureId()).isEqualTo("er-2");
        AssignmentEvent scored = new AssignmentEvent("s-1", EventType.CHURN_RISK_SCORED, "acme", Instant.parse("2026-12-01T10:00:00Z"),
                new Subscriber("u-1", null), null, null, null, new java.math.BigDecimal("0.5"));
        assertThat(new Incoming.Event(scored).erasure()).isNull();
    }

    @Test
    void theErasureSettingIsClearByDefaultForgetWhenAskedAndAnythingElseIsRefused() {
        assertThat(ErasureMode.of(new JsonObject(), "X: ")).isEqualTo(ErasureMode.CLEAR);
        assertThat(ErasureMode.of(new JsonObject().put("erasure", "clear"), "X: ")).isEqualTo(ErasureMode.CLEAR);
        assertThat(ErasureMode.of(new JsonObject().put("erasure", "forget"), "X: ")).isEqualTo(ErasureMode.FORGET);
        Assertions.assertThatThrownBy(() -> ErasureMode.of(new JsonObject().put("erasure", "shred"), "X: tenant acme: "))
                .isInstanceOf(ConfigException.class).hasMessage("X: tenant acme: erasure must be clear or forget, was shred");
    }
}
