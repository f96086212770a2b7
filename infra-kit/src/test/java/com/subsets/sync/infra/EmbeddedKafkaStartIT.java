package com.subsets.sync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A broker whose port is taken fails clearly and leaves nothing behind; picking a port again works. */
class EmbeddedKafkaStartIT {

    @Test
    void aTakenPortFailsWithItsBindErrorAndTheNextStartStillComesUp() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("localhost"))) {
            assertThatThrownBy(() -> EmbeddedKafka.start(taken.getLocalPort()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("could not start the embedded Kafka broker")
                    .hasRootCauseInstanceOf(BindException.class);
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(1, "infra-kit.start");
            assertThat(kafka.bootstrapServers()).startsWith("localhost:");
        }
    }
}
