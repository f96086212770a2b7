package com.subsets.sync.blueconic;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
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
 * An erasure clears what Subsets wrote whether or not the profile consents now: on a destination with consent
 * objectives, a batch's erase rows go in a PUT without {@code objectiveIds}, its rows of values in one with them.
 */
class BlueConicErasureConsentTest {

    private Vertx vertx;
    private BlueConicSimulator simulator;
    private BlueConicTenant tenant;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        simulator = new BlueConicSimulator(vertx);
        tenant = simulator.addTenant("acme", "client-acme", "secret-acme");
        SubsetsProperties.defineOn(tenant);
        // Subsets wrote to ada while she consented; she withdrew consent since.
        tenant.addProfile(Map.of("email", List.of("ada@example.com"), "subsets_experiment_id", List.of("exp-1")));
        tenant.addProfile(Map.of("email", List.of("bob@example.com")));
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void theErasureClearsAProfileWithoutConsentWhileValuesStillNeedIt() throws Exception {
        BlueConicAdapter adapter = new BlueConicAdapter(vertx, Duration.ofSeconds(5));
        BlueConicDestination destination = new BlueConicDestination(URI.create("http://127.0.0.1:" + simulator.port()),
                "client-acme", "secret-acme", "email", "UPDATE", List.of("marketing"));

        DeliveryResult result = adapter.prepare(destination, List.of(values("bob@example.com"), erase("ada@example.com")))
                .send().await(10, TimeUnit.SECONDS);

        assertThat(result.outcomes()).extracting(Outcome::reason).containsExactly("consent_mismatch", "cleared");
        assertThat(tenant.profileBy("email", "ada@example.com")).doesNotContainKey("subsets_experiment_id");
        assertThat(tenant.profileBy("email", "bob@example.com")).doesNotContainKey("subsets_subscriber_churn_risk");
        assertThat(tenant.calls()).filteredOn(c -> c.path().contains("/profiles")).hasSize(2);
    }

    private static SubscriberUpdate values(String email) {
        SubscriberUpdate row = new SubscriberUpdate(email);
        row.merge(new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", Instant.parse("2026-11-22T09:59:00Z"),
                new Subscriber(null, email), null, null, null, new BigDecimal("0.4")), new SourceRecord("t", 0, 0, null, new byte[0], Map.of()));
        return row;
    }

    private static SubscriberUpdate erase(String email) {
        SubscriberUpdate row = new SubscriberUpdate(email);
        row.merge(new Erasure("er-1", "acme", Instant.parse("2026-12-01T10:00:00Z"), new Subscriber("u-1", email)),
                new SourceRecord("t", 0, 9, null, new byte[0], Map.of()));
        return row;
    }
}
