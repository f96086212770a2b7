package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One deadline for a whole BlueConic send. A PUT refused after 700 ms (the token expired meanwhile), a new
 * token, and the PUT again: the second PUT gets only what is left of the one-second deadline and is reset when
 * it passes, so the send is over by then. Before, each step had a full timeout of its own and the send went on
 * well after the engine had given up on it and let its subscribers go again.
 */
class BlueConicAdapterDeadlineTest {

    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-acme", "secret-acme");
        SubsetsProperties.defineOn(tenant);
        tenant.addProfile(Map.of("email", List.of("ada@example.com")));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theRenewedAttemptGetsOnlyWhatIsLeftOfTheSendsDeadline() throws Exception {
        BlueConicAdapter adapter = new BlueConicAdapter(vertx, Duration.ofMillis(1_000));
        BlueConicDestination destination = new BlueConicDestination(URI.create("http://127.0.0.1:" + simulator.port()),
                "client-acme", "secret-acme", "email", "UPDATE", List.of());
        // Warm: a token and a connection. A cold JVM on a busy machine can take longer than the deadline for it, so
        // it may take a few tries; it is not what the test is about.
        DeliveryResult warm = null;
        for (int tries = 0; tries < 5 && (warm == null || !warm.outcomes().equals(List.of(Outcome.DELIVERED))); tries++) {
            warm = adapter.prepare(destination, List.of(row())).send().await(10, TimeUnit.SECONDS);
        }
        assertThat(warm.outcomes()).containsExactly(Outcome.DELIVERED);

        tenant.faults().latency(700);
        tenant.expireTokens();
        DeliveryResult result = adapter.prepare(destination, List.of(row())).send().await(10, TimeUnit.SECONDS);

        assertThat(result.outcomes()).singleElement().satisfies(outcome -> {
            assertThat(outcome.kind()).isEqualTo(Outcome.Kind.RETRIABLE);
            assertThat(outcome.detail()).contains("Timeout");
        });
        assertThat(tenant.calls()).filteredOn(c -> c.path().endsWith("/profiles") && c.status() == 401).hasSize(1);
    }

    private static SubscriberUpdate row() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", Instant.parse("2026-11-22T09:59:00Z"),
                new Subscriber(null, "ada@example.com"), null, null, null, new BigDecimal("0.4"));
        SubscriberUpdate row = new SubscriberUpdate("ada@example.com");
        row.merge(event, new SourceRecord("t", 0, 0, null, new byte[0], Map.of()));
        return row;
    }
}
