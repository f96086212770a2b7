package com.subsets.sync.state;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The {@code restore} case of {@code bench/state.sh}: how the state grows with subscribers and how long a new instance
 * takes to rebuild it. {@code -Dbench.subscribers} subscribers (1,000,000) over {@code -Dbench.tenants} tenants (100) and
 * 6 partitions, each named by userId and e-mail (so both stores hold them: the links store two entries each) and
 * assigned an experiment with a churn score, one event each, produced straight to the events topic. A first instance
 * applies them all; then the stores' size on disk (its state directory, once closed), the changelog and state topics'
 * size (the broker's log directories), and a second instance of the same application with an empty state directory:
 * the time from its start to Streams RUNNING, to its readiness answering 200, and to the state record of an event
 * produced as it started (it can only be applied once its partition's stores are restored). {@code -Dbench.rocksdb.bytes}:
 * both instances' RocksDB bound ({@code STATE_ROCKSDB_MEMORY_BYTES}; the service's default otherwise).
 */
final class StateRestoreBenchmark {

    private static final int PARTITIONS = 6;
    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private StateRestoreBenchmark() {
    }

    static String restore(EmbeddedKafka kafka) throws Exception {
        int subscribers = Integer.getInteger("bench.subscribers", 1_000_000);
        int tenants = Integer.getInteger("bench.tenants", 100);
        String app = "bench-restore";
        String events = app + ".events";
        String state = app + ".state";
        kafka.createTopics(PARTITIONS, events, state, events + ".dlq", StateServiceEnv.erasures(events));

        long produceStart = System.nanoTime();
        produce(kafka, events, subscribers, tenants);
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), app, events, state);
        // -Dbench.rocksdb.bytes: the RocksDB bound of both instances (STATE_ROCKSDB_MEMORY_BYTES; the service's default otherwise).
        String rocksDbBytes = System.getProperty("bench.rocksdb.bytes");
        if (rocksDbBytes != null) {
            env.put("STATE_ROCKSDB_MEMORY_BYTES", rocksDbBytes);
        }
        long applyStart = System.nanoTime();
        SubscriberStateService first = start(env);
        try {
            awaitApplied(first, subscribers);
        } finally {
            first.close().await(120, TimeUnit.SECONDS);
        }
        double applySeconds = (System.nanoTime() - applyStart) / 1e9;
        long stateDirBytes = bytesUnder(Path.of(env.get("STATE_DIR")));
        Map<String, Long> topicBytes = topicBytes(kafka);
        long changelogBytes = topicBytes.entrySet().stream().filter(e -> e.getKey().startsWith(app + "-") && e.getKey().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();

        Restore restore = restoreNewInstance(kafka, app, events, state);
        return String.format("restore:              %,d subscribers (%,d tenants, %d partitions; userId and e-mail, an experiment and a churn score "
                        + "each)%n"
                        + "                      state stores on disk %s (%,.0f bytes a subscriber); changelogs %s (%s); state topic %s; "
                        + "events topic %s%n"
                        + "                      a new instance, empty state directory: Streams RUNNING after %.1f s, ready (/health/ready 200) "
                        + "after %.1f s, an event produced at its start applied after %.1f s; its state directory then %s%n"
                        + "                      (produced in %.0f s = %,.0f events/s; the first instance applied them in %.0f s = %,.0f events/s)",
                subscribers, tenants, PARTITIONS, mb(stateDirBytes), (double) stateDirBytes / subscribers, mb(changelogBytes),
                changelogs(topicBytes, app), mb(topicBytes.getOrDefault(state, 0L)), mb(topicBytes.getOrDefault(events, 0L)),
                restore.runningSeconds, restore.readySeconds, restore.probeSeconds, mb(restore.stateDirBytes),
                produceSeconds, subscribers / produceSeconds, applySeconds, subscribers / applySeconds);
    }

    private record Restore(double runningSeconds, double readySeconds, double probeSeconds, long stateDirBytes) {
    }

    /**
     * A second instance of the application, its state directory empty: it restores both stores from their changelogs. A
     * probe event (a new subscriber of the first tenant) is produced as it starts; its state record is read from the state
     * topic (read_committed), from the end as it was before the start.
     */
    private static Restore restoreNewInstance(EmbeddedKafka kafka, String app, String events, String state) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(state).stream().map(p -> new TopicPartition(state, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), app, events, state);
            String probe = "probe-" + System.nanoTime();
            long started = System.nanoTime();
            SubscriberStateService second = start(env);
            try {
                producer.send(new ProducerRecord<>(events, "tenant-0", new EventCodec().encode(event("probe", "tenant-0", probe, 0))));
                producer.flush();
                double running = Double.NaN;
                double ready = Double.NaN;
                double applied = Double.NaN;
                long deadline = started + TimeUnit.MINUTES.toNanos(60);
                while ((Double.isNaN(running) || Double.isNaN(ready) || Double.isNaN(applied)) && System.nanoTime() < deadline) {
                    double now = (System.nanoTime() - started) / 1e9;
                    if (Double.isNaN(running) && second.state() == KafkaStreams.State.RUNNING) {
                        running = now;
                    }
                    if (Double.isNaN(ready) && ready(second.port())) {
                        ready = now;
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        if (Double.isNaN(applied) && record.key() != null && record.key().contains(probe)) {
                            applied = (System.nanoTime() - started) / 1e9;
                        }
                    }
                }
                return new Restore(running, ready, applied, bytesUnder(Path.of(env.get("STATE_DIR"))));
            } finally {
                second.close().await(120, TimeUnit.SECONDS);
            }
        }
    }

    private static SubscriberStateService start(Map<String, String> env) throws Exception {
        return SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
    }

    /** One event per subscriber, spread over the tenants. */
    private static void produce(EmbeddedKafka kafka, String topic, int subscribers, int tenants) {
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            for (int i = 0; i < subscribers; i++) {
                String tenant = "tenant-" + i % tenants;
                producer.send(new ProducerRecord<>(topic, tenant, codec.encode(event("r-" + i, tenant, "user-" + i, i))));
            }
        }
    }

    private static AssignmentEvent event(String eventId, String tenant, String user, int i) {
        return new AssignmentEvent(eventId, EventType.ASSIGNED, tenant, T0.plusMillis(i % 1_000_000),
                new Subscriber(user, user + "@example.com"), new Experiment("exp-" + i % 20, "Winback offer " + i % 20),
                i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, new BigDecimal("0." + (10 + i % 90)));
    }

    private static void awaitApplied(SubscriberStateService service, long events) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(90);
        long applied;
        while ((applied = (long) service.registry().find("state.events").counters().stream().mapToDouble(Counter::count).sum()) < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the first instance applied " + applied + " of " + events + " events in 90 minutes");
            }
            Thread.sleep(200);
        }
    }

    private static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Every topic's size on the broker, summed over its partitions (Admin's log-directory description). */
    private static Map<String, Long> topicBytes(EmbeddedKafka kafka) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        Map<String, Long> out = new HashMap<>();
        try (Admin admin = Admin.create(props)) {
            List<Integer> brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).stream().map(n -> n.id()).toList();
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get(60, TimeUnit.SECONDS).values()) {
                dirs.values().forEach(dir -> dir.replicaInfos().forEach((partition, replica) ->
                        out.merge(partition.topic(), replica.size(), Long::sum)));
            }
        }
        return out;
    }

    private static String changelogs(Map<String, Long> topicBytes, String app) {
        StringBuilder out = new StringBuilder();
        topicBytes.entrySet().stream().filter(e -> e.getKey().startsWith(app + "-") && e.getKey().endsWith("-changelog")).sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append(out.length() == 0 ? "" : ", ").append(e.getKey().substring(app.length() + 1)).append(' ').append(mb(e.getValue())));
        return out.toString();
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static String mb(long bytes) {
        return String.format("%,.0f MB", bytes / 1e6);
    }
}
