package com.subsets.sync.iterable;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.runtime.TenantPartition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Static destinations (no provisioner) keep no parking across a restart, so their lanes never park (issue 26): a lane
 * whose Iterable keeps answering 503 past the parking time keeps its records unresolved, the partition's commit stays
 * before them, and once Iterable answers every subscriber is written from the lane itself. Parking there would commit
 * past records that a restart would then never send.
 */
@ExtendWith(RealServices.class)
class StaticNoParkingIT {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aFailingLaneOfStaticDestinationsNeverCommitsPastItsRecordsAndDeliversThemWhenIterableAnswers(KafkaService kafka)
            throws Exception {
        try (DispatcherTestKit kit = new DispatcherTestKit(kafka, 50)) {
            kit.project.faults().failNext(Integer.MAX_VALUE, 503);
            kit.startDispatcher(Map.of("ITERABLE_INPUT", "state", "ITERABLE_PARK_AFTER_MS", "1500", "ITERABLE_PARK_PROBE_MS", "300",
                    "ITERABLE_RETRY_MAX_DELAY_MS", "200", "ITERABLE_LINGER_MS", "20"));
            int partition = TenantPartition.of("acme", 3);
            for (int i = 0; i < 40; i++) {
                StateRecord state = new StateRecord("acme", new Subscriber("u" + i, null), Map.of(DestinationField.CHURN_RISK,
                        new FieldFact("0.4" + (i % 10), T0.plusSeconds(i), i, "e-" + i)));
                kit.producer.send(new ProducerRecord<>(kit.topic, partition, SubscriberKey.of("acme", state.subscriber()).encode(),
                        StateRecordCodec.encode(state)));
            }
            kit.producer.flush();

            // Three times the parking time, failing all along.
            Thread.sleep(4_500);
            assertThat(kit.committedToEnd()).as("no commit past records not delivered").isFalse();
            assertThat(kit.project.userCount()).isZero();
            assertThat(kit.deadLetters(0)).as("kept, not dead-lettered: the give-up time is 10 minutes").isEmpty();

            kit.project.faults().clear();
            DispatcherTestKit.await("every subscriber written once Iterable answers", Duration.ofSeconds(30),
                    () -> kit.project.userCount() == 40);
            assertThat(String.valueOf(kit.project.profile("u17").get(DestinationField.CHURN_RISK.iterableName()))).isEqualTo("0.47");
            DispatcherTestKit.await("the commit at the end once delivered", Duration.ofSeconds(30), kit::committedToEnd);
        }
    }
}
