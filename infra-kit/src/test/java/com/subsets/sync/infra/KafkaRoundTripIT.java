package com.subsets.sync.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real broker works end to end through vertx-kafka-client: acks=all writes, manual commits. */
@ExtendWith({RealServices.class, VertxExtension.class})
class KafkaRoundTripIT {

    private static final String TOPIC = "infra-kit.round-trip";
    private static final int RECORDS = 50;

    @Test
    void producesWithAcksAllAndConsumesWithManualCommits(KafkaService kafka, Vertx vertx, VertxTestContext test)
            throws Throwable {
        kafka.createTopics(3, TOPIC);
        KafkaProducer<String, String> producer = KafkaProducer.create(vertx, producerConfig(kafka));

        Future.all(IntStream.range(0, RECORDS)
                        .mapToObj(i -> producer.send(KafkaProducerRecord.create(TOPIC, "tenant-" + (i % 5), "event-" + i)))
                        .toList())
                .compose(sent -> {
                    List<RecordMetadata> acked = sent.list();
                    test.verify(() -> assertThat(acked).allSatisfy(m -> assertThat(m.getOffset()).isNotNegative()));
                    return consumeAll(kafka, vertx);
                })
                .compose(consumed -> committedOffsets(kafka, vertx).map(committed -> {
                    test.verify(() -> {
                        assertThat(consumed).hasSize(RECORDS);
                        // One key always lands in one partition, in the order it was produced.
                        Map<String, List<String>> byKey = new HashMap<>();
                        consumed.forEach(r -> byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value()));
                        assertThat(byKey.get("tenant-0")).startsWith("event-0", "event-5", "event-10");
                        assertThat(committed).isEqualTo((long) RECORDS);
                    });
                    return null;
                }))
                .eventually(producer::close)
                .onComplete(test.succeedingThenComplete());

        assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
        if (test.failed()) {
            throw test.causeOfFailure();
        }
    }

    private Future<List<KafkaConsumerRecord<String, String>>> consumeAll(KafkaService kafka, Vertx vertx) {
        KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, consumerConfig(kafka));
        List<KafkaConsumerRecord<String, String>> seen = new ArrayList<>();
        var done = io.vertx.core.Promise.<List<KafkaConsumerRecord<String, String>>>promise();
        consumer.handler(record -> {
            seen.add(record);
            if (seen.size() == RECORDS) {
                // Manual commit after the work is done, never per record.
                consumer.commit().compose(v -> consumer.close()).onComplete(ar -> done.handle(ar.map(seen)));
            }
        });
        consumer.subscribe(TOPIC).onFailure(done::fail);
        return done.future();
    }

    private Future<Long> committedOffsets(KafkaService kafka, Vertx vertx) {
        KafkaConsumer<String, String> reader = KafkaConsumer.create(vertx, consumerConfig(kafka));
        List<Future<Long>> perPartition = IntStream.range(0, 3)
                .mapToObj(p -> reader.committed(new TopicPartition(TOPIC, p)).map(o -> o == null ? 0L : o.getOffset()))
                .toList();
        return Future.all(perPartition)
                .map(all -> perPartition.stream().mapToLong(Future::result).sum())
                .eventually(reader::close);
    }

    private static Map<String, String> producerConfig(KafkaService kafka) {
        Map<String, String> config = new HashMap<>(kafka.clientConfig());
        config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        return config;
    }

    private static Map<String, String> consumerConfig(KafkaService kafka) {
        Map<String, String> config = new HashMap<>(kafka.clientConfig());
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("group.id", "infra-kit-round-trip");
        config.put("auto.offset.reset", "earliest");
        config.put("enable.auto.commit", "false");
        return config;
    }
}
