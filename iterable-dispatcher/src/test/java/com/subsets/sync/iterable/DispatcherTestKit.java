package com.subsets.sync.iterable;

import com.subsets.sync.infra.Await;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** A topic pair, an Iterable simulator and a dispatcher configured for them, on a real broker. */
final class DispatcherTestKit implements AutoCloseable {

    private static final AtomicInteger RUN = new AtomicInteger();

    final KafkaService kafka;
    final String topic;
    final String deadLetterTopic;
    final String groupId;
    final Vertx simulatorVertx = Vertx.vertx();
    final IterableSimulator simulator = new IterableSimulator(simulatorVertx);
    final IterableProject project;
    final KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();
    DispatcherService<IterableDestination> dispatcher;

    DispatcherTestKit(KafkaService kafka, int bulkPerSecond) throws Exception {
        this.kafka = kafka;
        int run = RUN.incrementAndGet();
        this.topic = "iterable-it-" + run + ".events";
        this.deadLetterTopic = topic + ".dlq";
        this.groupId = "iterable-it-" + run;
        kafka.createTopics(3, topic, deadLetterTopic, topic + ".reports");
        project = simulator.addProject("p1", "key-p1", IterableProject.Identity.USER_ID, bulkPerSecond);
        simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("acks", "all");
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    Map<String, String> env(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "ITERABLE_TOPIC", topic,
                "ITERABLE_GROUP_ID", groupId,
                "ITERABLE_DEAD_LETTER_TOPIC", deadLetterTopic,
                "ITERABLE_HTTP_HOST", "127.0.0.1",
                "ITERABLE_HTTP_PORT", "0",
                "ITERABLE_LINGER_MS", "100",
                "ITERABLE_RETRY_BASE_MS", "50",
                "ITERABLE_COMMIT_INTERVAL_MS", "200",
                "ITERABLE_DESTINATIONS", "{\"acme\":{\"projectId\":\"p1\",\"apiKey\":\"key-p1\",\"baseUrl\":\"http://127.0.0.1:"
                        + simulator.port() + "\"}}"));
        env.put("ITERABLE_REPORTS_TOPIC", topic + ".reports");
        env.put("ITERABLE_INPUT", "events");
        env.putAll(overrides);
        return env;
    }

    DispatcherService<IterableDestination> startDispatcher(Map<String, String> overrides) throws Exception {
        Map<String, String> env = env(overrides);
        dispatcher = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
        return dispatcher;
    }

    void send(AssignmentEvent... events) {
        for (AssignmentEvent event : events) {
            producer.send(new ProducerRecord<>(topic, event.tenantId(), codec.encode(event)));
        }
        producer.flush();
    }

    void sendRaw(String key, String value) {
        sendRaw(key, value.getBytes(UTF_8));
    }

    void sendRaw(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
        producer.flush();
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, timeout, condition);
    }

    /** Everything on the dead-letter topic once at least {@code expected} records are there. */
    List<ConsumerRecord<String, byte[]>> deadLetters(int expected) {
        return records(deadLetterTopic, expected);
    }

    /** Everything on {@code topic} once at least {@code expected} records are there (or after a second, for 0). */
    List<ConsumerRecord<String, byte[]>> records(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(expected == 0 ? 1 : 30);
            while ((records.size() < expected || expected == 0) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Offsets the dispatcher's group committed, summed over partitions, against the topic's end. */
    boolean committedToEnd() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                var committed = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                return partitions.stream().allMatch(p -> end.get(p) == 0
                        || (committed.get(p) != null && committed.get(p).offset() == end.get(p)));
            } catch (Exception e) {
                return false;
            }
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        var h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), UTF_8);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void close() throws Exception {
        if (dispatcher != null) {
            dispatcher.close().await(60, TimeUnit.SECONDS);
        }
        producer.close();
        simulatorVertx.close().await(10, TimeUnit.SECONDS);
    }
}
