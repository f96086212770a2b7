package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.runtime.EnvReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The trail is diagnostics only: with Kafka unreachable, the rows handed to it beyond its bound are counted lost at
 * once (the event loop never waits for the sender), the ones it tried are counted lost when Kafka times out, and
 * closing it takes about a second, not the producer's timeouts.
 */
class DeliveryTrailTest {

    private static SubscriberUpdate row(int i) {
        SubscriberUpdate row = new SubscriberUpdate("u-" + i);
        row.merge(new StateRecord("acme", new Subscriber("u-" + i, null), Map.of(DestinationField.CHURN_RISK,
                new FieldFact("0.5", Instant.parse("2026-12-06T10:00:00Z"), i, "e-" + i))),
                new SourceRecord("state", 0, i, new byte[0], new byte[0], Map.of()));
        return row;
    }

    private static double lost(SimpleMeterRegistry registry, String cause) {
        var counter = registry.find("dispatcher.subscriber.deliveries.lost").tag("cause", cause).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void neverHoldsTheCallerAndCountsWhatItCouldNotPublish() throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "ITERABLE_DELIVERIES_MAX_PENDING_ROWS", "1000");
        EngineConfig config = EngineConfig.fromEnv(new EnvReader(env::get), env.keySet(), "ITERABLE_", "iterable", 1000, 1 << 20);
        assertThat(config.deliveriesTopic()).isEqualTo("subsets.subscriber-deliveries.v1");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DeliveryTrail trail = new DeliveryTrail(config, "iterable", new DispatcherMetrics(registry, "iterable"));
        Vertx vertx = Vertx.vertx();
        try {
            for (int i = 0; i < 1000; i++) {
                trail.accepted(row(i), com.subsets.sync.dispatch.core.Outcome.DELIVERED, 1_000L);
            }
            trail.answered();
            // The sender now waits for Kafka's metadata (max.block.ms): another answer is over the bound, dropped at once.
            trail.refused(row(1000), Outcome.permanent("forgotten", "Iterable listed the user"), 2_000L);
            trail.answered();
            assertThat(lost(registry, "queue_full")).isEqualTo(1);
            long deadline = System.currentTimeMillis() + 10_000;
            while (lost(registry, "send_failed") < 1000 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertThat(lost(registry, "send_failed")).as("Kafka never answered: counted, not retried").isEqualTo(1000);
            assertThat(registry.find("dispatcher.subscriber.deliveries.published").counter().count()).isZero();
            trail.accepted(row(2000), com.subsets.sync.dispatch.core.Outcome.DELIVERED, 3_000L);
            trail.answered();
            long started = System.nanoTime();
            trail.close(vertx, 30_000).await(10, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("a diagnostic never holds a stop up")
                    .isLessThan(5_000);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void noneTurnsItOff() {
        Map<String, String> env = Map.of("ITERABLE_DELIVERIES_TOPIC", "none");
        assertThat(EngineConfig.fromEnv(new EnvReader(env::get), env.keySet(), "ITERABLE_", "iterable", 1000, 1 << 20)
                .deliveriesTopic()).isNull();
    }

    @Test
    void anErasureARowReplacedIsAnsweredWithTheRowsOutcome() {
        Subscriber ada = new Subscriber("ada", "ada@example.com");
        com.subsets.sync.model.Erasure erasure = new com.subsets.sync.model.Erasure("er-1", "acme",
                Instant.parse("2026-12-06T09:00:00Z"), ada);
        SubscriberUpdate row = new SubscriberUpdate("ada");
        row.merge(erasure, new SourceRecord("state", 0, 11, new byte[0], new byte[0], Map.of()));
        row.merge(new StateRecord("acme", ada, Map.of(DestinationField.CHURN_RISK,
                new FieldFact("0.5", Instant.parse("2026-12-06T10:00:00Z"), 12, "e-12"))),
                new SourceRecord("state", 0, 12, new byte[0], new byte[0], Map.of()));

        var accepted = DeliveryTrail.linesOf(row, SubscriberDeliveries.Outcome.ACCEPTED, null, null, "cleared");
        assertThat(accepted).hasSize(2);
        assertThat(accepted.get(1).erasureId()).as("the row's own line, after the erasure's").isNull();
        assertThat(accepted.get(1).fields()).hasSize(5).containsEntry(DestinationField.EXPERIMENT_ID,
                com.subsets.sync.model.FieldValue.CLEAR);
        assertThat(accepted.get(0).erasureId()).isEqualTo("er-1");
        assertThat(accepted.get(0).outcome()).isEqualTo(SubscriberDeliveries.Outcome.ACCEPTED);
        assertThat(accepted.get(0).reason()).isEqualTo("cleared");
        assertThat(accepted.get(0).subscriber()).isEqualTo(ada);

        var deadLettered = DeliveryTrail.linesOf(row, SubscriberDeliveries.Outcome.DEAD_LETTERED, "invalid_field",
                "Iterable refused it", "invalid_field");
        assertThat(deadLettered.get(0).outcome()).isEqualTo(SubscriberDeliveries.Outcome.DEAD_LETTERED);
        assertThat(deadLettered.get(0).reason()).isEqualTo("invalid_field");
        assertThat(deadLettered.get(0).detail()).isEqualTo("Iterable refused it");
    }
}
