package com.subsets.sync.infra;

import org.testcontainers.kafka.KafkaContainer;

/** Kafka in a container (-Dinfra=containers); image from -Dinfra.kafka.image. Needs a container engine. */
final class ContainerKafka implements KafkaService {

    static final String DEFAULT_IMAGE = "apache/kafka:3.9.1";
    private final KafkaContainer container;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafka start() {
        KafkaContainer container = new KafkaContainer(System.getProperty("infra.kafka.image", DEFAULT_IMAGE));
        container.start();
        return new ContainerKafka(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
