package com.subsets.sync.iterable;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.infra.BenchmarkRun;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measures the Iterable dispatcher as deployed (its own JVM, -Xmx256m) against the simulator and a
 * real broker on loopback, in four cases: users/s with no rate limit; users/s and the 429 share under
 * Iterable's 5 requests/s; latency from Kafka append to the simulator's write at 1,000 events/s; peak
 * heap while the destination is down under load. Run: bench/iterable.sh (see the README).
 */
public final class IterableDispatcherBenchmark {

    private static final long SECONDS = Long.getLong("bench.seconds", 60);
    private static final EventCodec CODEC = new EventCodec();

    private IterableDispatcherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Vertx vertx = Vertx.vertx();
            IterableSimulator simulator = new IterableSimulator(vertx);
            simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            BenchmarkRun run = new BenchmarkRun();
            // The rate-limited case first: it is the one a GC pause in this JVM can upset, and the
            // unlimited case leaves 1.2 million records in the broker and much garbage behind.
            run.add("limited", () -> rateLimited(kafka, simulator))
                    .add("unlimited", () -> unlimited(kafka, simulator))
                    .add("latency", () -> latency(kafka, simulator, run))
                    .add("outage", () -> outage(kafka, simulator))
                    .run("Iterable dispatcher benchmark");
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /**
     * Eight tenants, each its own project with no rate limit, 50,000 users each, updated three times
     * (1,200,000 events preloaded): the rate is timed over the last two passes, once the first has
     * created the users and warmed the JVMs up. Updates are what production mostly sends, and keep the
     * simulator's own memory (it shares the cores) at 400,000 users.
     */
    static String unlimited(EmbeddedKafka kafka, IterableSimulator simulator) throws Exception {
        String topic = "bench.unlimited";
        kafka.createTopics(8, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        int tenants = 8;
        int perTenant = 50_000;
        int passes = 3;
        AtomicLong written = new AtomicLong();
        StringBuilder destinations = new StringBuilder("{");
        for (int t = 0; t < tenants; t++) {
            simulator.addProject("unl-" + t, "key-unl-" + t, IterableProject.Identity.USER_ID, 100_000)
                    .onWrite(user -> written.incrementAndGet());
            destinations.append(t == 0 ? "" : ",").append(destination("t" + t, "unl-" + t, simulator.port()));
        }
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            for (int pass = 0; pass < passes; pass++) {
                for (int u = 0; u < perTenant; u++) {
                    for (int t = 0; t < tenants; t++) {
                        send(producer, topic, event("t" + t, "u-" + u, pass * perTenant + u));
                    }
                }
            }
        }
        long warmUp = (long) tenants * perTenant;
        Process dispatcher = fork(kafka, topic, destinations.append("}").toString(), Map.of(
                "ITERABLE_REQUESTS_PER_SECOND", "10000", "ITERABLE_MAX_IN_FLIGHT", "4"));
        try {
            Bench.Rate rate = Bench.steadyRate(written::get, warmUp, passes * warmUp, Duration.ofMinutes(10), dispatcher.toHandle());
            return String.format("no rate limit:        %,.0f users/s delivered (%,d user updates after %,d, %d tenants, %.1f s) (target >= 50,000)%n"
                            + "                      %s%n"
                            + "                      %,d subscriber-deliveries records (one per answer) on %s",
                    rate.perSecond(), rate.deliveries(), warmUp, tenants, rate.seconds(), rate.cpuPerDelivery(),
                    records(kafka, topic + ".deliveries"), topic + ".deliveries");
        } finally {
            ForkedJvm.stop(dispatcher);
            // 400,000 users held on would lengthen this JVM's GC pauses in the cases that follow.
            for (int t = 0; t < tenants; t++) {
                simulator.removeProject("unl-" + t);
            }
        }
    }

    /**
     * One project at Iterable's 5 requests/s, offered 7,000 new users/s: timed over 60 s that start 10 s
     * after the first delivery, so the dispatcher's start and its consumer group's join are not counted
     * as throttling.
     */
    private static String rateLimited(EmbeddedKafka kafka, IterableSimulator simulator) throws Exception {
        String topic = "bench.limited";
        kafka.createTopics(1, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        IterableProject project = simulator.addProject("lim", "key-lim", IterableProject.Identity.USER_ID, 5);
        long startAllowance = 20_000;
        long warmUp = 10_000;
        long started = System.currentTimeMillis();
        Process dispatcher = fork(kafka, topic, "{" + destination("lim", "lim", simulator.port()) + "}", Map.of());
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            offer(producer, topic, "lim", 7_000, System.currentTimeMillis() + startAllowance + warmUp + SECONDS * 1000L, null);
            List<RecordedCall> calls = project.calls();
            long first = calls.stream().filter(c -> c.status() == 200).mapToLong(RecordedCall::atMillis).min()
                    .orElseThrow(() -> new IllegalStateException("nothing was delivered"));
            long from = first + warmUp;
            long to = from + SECONDS * 1000L;
            if (to > calls.get(calls.size() - 1).atMillis() + 1_000) {
                throw new IllegalStateException("the first delivery came too late to time " + SECONDS + " s");
            }
            List<RecordedCall> window = calls.stream().filter(c -> c.atMillis() >= from && c.atMillis() < to).toList();
            long users = window.stream().filter(c -> c.status() == 200).mapToLong(RecordedCall::items).sum();
            long throttled = window.stream().filter(c -> c.status() == 429).count();
            double perSecond = users / (double) SECONDS;
            long[] gaps = new long[Math.max(0, window.size() - 1)];
            for (int i = 1; i < window.size(); i++) {
                gaps[i - 1] = (window.get(i).atMillis() - window.get(i - 1).atMillis()) * 1_000_000;
            }
            Arrays.sort(gaps);
            // Time spanned by each five consecutive admitted requests: the limit needs 1,000 ms or more.
            List<RecordedCall> admitted = window.stream().filter(c -> c.status() == 200).toList();
            long[] spans = new long[Math.max(0, admitted.size() - 5)];
            for (int i = 5; i < admitted.size(); i++) {
                spans[i - 5] = (admitted.get(i).atMillis() - admitted.get(i - 5).atMillis()) * 1_000_000;
            }
            Arrays.sort(spans);
            return String.format("5 requests/s:         %,.0f users/s over %d s = %.1f %% of 5,000 (target >= 97 %%); "
                            + "%d of %d requests answered 429 = %.2f %% (target < 1 %%); gaps between requests p50 %.0f ms, "
                            + "p99 %.0f ms; five requests span p1 %.0f ms, p50 %.0f ms, p99 %.0f ms; %.0f users a request; "
                            + "first delivery %.1f s after the dispatcher started",
                    perSecond, SECONDS, perSecond / 50, throttled, window.size(), 100.0 * throttled / Math.max(1, window.size()),
                    Bench.percentileMillis(gaps, 0.5), Bench.percentileMillis(gaps, 0.99), Bench.percentileMillis(spans, 0.01),
                    Bench.percentileMillis(spans, 0.5), Bench.percentileMillis(spans, 0.99),
                    users / (double) Math.max(1, window.size() - throttled), (first - started) / 1000.0);
        } finally {
            ForkedJvm.stop(dispatcher);
        }
    }

    /** 1,000 events/s, each to a new user: from the producer's send to the simulator's write. */
    private static String latency(EmbeddedKafka kafka, IterableSimulator simulator, BenchmarkRun run) throws Exception {
        String topic = "bench.latency";
        kafka.createTopics(1, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        IterableProject project = simulator.addProject("lat", "key-lat", IterableProject.Identity.USER_ID, 5);
        project.onWrite(run::arrived);
        Process dispatcher = fork(kafka, topic, "{" + destination("lat", "lat", simulator.port()) + "}", Map.of());
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            return "latency at 1,000/s:   " + run.latency(Math.min(SECONDS, 30),
                    until -> offer(producer, topic, "lat", 1_000, until, null), until -> offer(producer, topic, "lat", 1_000, until, run));
        } finally {
            ForkedJvm.stop(dispatcher);
        }
    }

    /** The destination answers 503 for the whole run while 2,000 events/s keep coming; then it recovers. */
    private static String outage(EmbeddedKafka kafka, IterableSimulator simulator) throws Exception {
        String topic = "bench.outage";
        kafka.createTopics(1, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        IterableProject project = simulator.addProject("out", "key-out", IterableProject.Identity.USER_ID, 5);
        project.faults().failNext(Integer.MAX_VALUE, 503);
        int port = FreePorts.any();
        Process dispatcher = fork(kafka, topic, "{" + destination("out", "out", simulator.port()) + "}",
                Map.of("ITERABLE_HTTP_PORT", String.valueOf(port)));
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            return "Iterable " + BenchmarkRun.outage(port, SECONDS, 2_000, until -> offer(producer, topic, "out", 2_000, until, null),
                    () -> project.faults().clear(), project::userCount, () -> ForkedJvm.stop(dispatcher));
        }
    }

    private static void offer(KafkaProducer<String, byte[]> producer, String topic, String tenant, int perSecond,
                              long untilMillis, BenchmarkRun run) throws InterruptedException {
        long first = COUNTER.getAndAdd(10_000_000);
        Bench.offer(perSecond, untilMillis, n -> {
            String user = "u-" + (first + n);
            if (run != null) {
                run.sent(user);
            }
            send(producer, topic, event(tenant, user, 1));
        });
        producer.flush();
    }

    private static final AtomicLong COUNTER = new AtomicLong();

    static AssignmentEvent event(String tenant, String user, int n) {
        return Events.assigned(tenant, user, "exp-" + (n % 53), "Winback offer " + (n % 53), n);
    }

    static void send(KafkaProducer<String, byte[]> producer, String topic, AssignmentEvent event) {
        producer.send(new ProducerRecord<>(topic, event.tenantId(), CODEC.encode(event)));
    }

    /** Records on a topic (the sum of its partitions' end offsets). */
    private static long records(EmbeddedKafka kafka, String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        }
    }

    static String destination(String tenant, String project, int port) {
        return "\"" + tenant + "\":{\"projectId\":\"" + project + "\",\"apiKey\":\"key-" + project
                + "\",\"baseUrl\":\"http://127.0.0.1:" + port + "\"}";
    }

    static Process fork(EmbeddedKafka kafka, String topic, String destinations, Map<String, String> extra) throws IOException {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "ITERABLE_TOPIC", topic, "ITERABLE_DEAD_LETTER_TOPIC", topic + ".dlq", "ITERABLE_REPORTS_TOPIC", topic + ".reports",
                "ITERABLE_GROUP_ID", "bench-" + topic, "ITERABLE_HTTP_HOST", "127.0.0.1", "ITERABLE_HTTP_PORT", "0",
                "ITERABLE_DESTINATIONS", destinations, "LOG_LEVEL", "WARN"));
        // Each case stops its dispatcher before the next starts: a short drain keeps cases apart.
        env.put("ITERABLE_SHUTDOWN_TIMEOUT_MS", "3000");
        env.put("ITERABLE_INPUT", "events");
        // Every answer's rows go to the subscriber-deliveries topic, as in production (its cost is part of the figures).
        env.put("ITERABLE_DELIVERIES_TOPIC", topic + ".deliveries");
        env.putAll(extra);
        // -Dbench.env.NAME=value sets NAME for every dispatcher of the run (e.g. ITERABLE_MAX_IN_FLIGHT).
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("bench.env."))
                .forEach(n -> env.put(n.substring("bench.env.".length()), System.getProperty(n)));
        // -Dbench.dispatcher.log=FILE keeps the dispatcher's output (else discarded).
        String log = System.getProperty("bench.dispatcher.log");
        return ForkedJvm.start(Main.class, env, log == null ? null : java.nio.file.Path.of(log));
    }
}
