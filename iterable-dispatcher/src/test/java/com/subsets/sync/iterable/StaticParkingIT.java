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
 * Parking with static destinations (no provisioner), reading subscribers' states from a real broker: a lane
 * whose Iterable keeps answering 503 parks, resolves its records so the partition's commit reaches the end,
 * probes, and once Iterable answers resyncs its subscribers from the parking offset by itself, in this process.
 */
@ExtendWith(RealServices.class)
class StaticParkingIT {

    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    @Test
    void aParkedLaneCommitsPastItsRecordsAndResyncsThemWhenIterableAnswersAgain(KafkaService kafka) throws Exception {
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

            DispatcherTestKit.await("the parked lane's records resolved and committed", Duration.ofSeconds(30), kit::committedToEnd);
            assertThat(kit.project.userCount()).isZero();
            assertThat(kit.deadLetters(0)).as("parked, not dead-lettered").isEmpty();

            kit.project.faults().clear();
            DispatcherTestKit.await("every subscriber written once Iterable answers", Duration.ofSeconds(30),
                    () -> kit.project.userCount() == 40);
            assertThat(String.valueOf(kit.project.profile("u17").get(DestinationField.CHURN_RISK.iterableName()))).isEqualTo("0.47");
        }
    }
}
