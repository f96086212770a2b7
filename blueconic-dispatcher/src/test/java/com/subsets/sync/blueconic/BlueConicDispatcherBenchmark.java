package com.subsets.sync.blueconic;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.infra.BenchmarkRun;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Measures the BlueConic dispatcher as deployed (its own JVM, -Xmx256m) against the simulator and a
 * real broker on loopback: profiles/s delivered with a generous request budget; latency from the
 * producer's send to the simulator's write at 1,000 events/s; peak heap while BlueConic answers 503
 * under load, then the catch-up. Run: bench/blueconic.sh (see the README).
 */
public final class BlueConicDispatcherBenchmark {

    private static final long SECONDS = Long.getLong("bench.seconds", 60);
    private static final EventCodec CODEC = new EventCodec();
    private static final AtomicLong USERS = new AtomicLong();

    private BlueConicDispatcherBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Vertx vertx = Vertx.vertx();
            BlueConicSimulator simulator = new BlueConicSimulator(vertx);
            simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            BenchmarkRun run = new BenchmarkRun();
            run.add("throughput", () -> throughput(kafka, vertx))
                    .add("latency", () -> latency(kafka, simulator, run))
                    .add("outage", () -> outage(kafka, simulator))
                    .run("BlueConic dispatcher benchmark");
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    private static BlueConicTenant tenant(BlueConicSimulator simulator, String name) {
        BlueConicTenant tenant = simulator.addTenant(name, "client-" + name, "secret-" + name).maxConcurrentRequests(16);
        SubsetsProperties.defineOn(tenant);
        return tenant;
    }

    /**
     * Eight BlueConic tenants (each its own instance, so its own lane, as tenants are in production),
     * 50,000 subscribers each updated three times (1,200,000 events preloaded), UPSERT, a request budget
     * far above what is used. The rate is timed over the last two passes, once the first has created the
     * profiles and warmed the JVMs up; updates are what production mostly sends, and they keep the
     * simulators' own memory (they share the cores) at 400,000 profiles.
     */
    private static String throughput(EmbeddedKafka kafka, Vertx vertx) throws Exception {
        String topic = "bench.bc.throughput";
        kafka.createTopics(8, topic, topic + ".dlq", topic + ".reports");
        int tenants = 8;
        long perTenant = 50_000;
        int passes = 3;
        AtomicLong written = new AtomicLong();
        StringBuilder destinations = new StringBuilder("{");
        for (int t = 0; t < tenants; t++) {
            BlueConicSimulator instance = new BlueConicSimulator(vertx);
            tenant(instance, "thr" + t).onWrite(profile -> written.incrementAndGet());
            instance.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            destinations.append(t == 0 ? "" : ",").append(destination("thr" + t, instance.port()));
        }
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            for (int pass = 0; pass < passes; pass++) {
                for (long u = 0; u < perTenant; u++) {
                    for (int t = 0; t < tenants; t++) {
                        send(producer, topic, "thr" + t, "t" + t + "-" + u, pass);
                    }
                }
            }
        }
        long warmUp = tenants * perTenant;
        Process dispatcher = fork(kafka, topic, destinations.append("}").toString(), Map.of("BLUECONIC_REQUESTS_PER_SECOND", "10000",
                "BLUECONIC_MAX_IN_FLIGHT", "4"));
        try {
            Bench.Rate rate = Bench.steadyRate(written::get, warmUp, passes * warmUp, Duration.ofMinutes(10), dispatcher.toHandle());
            return String.format("throughput:            %,.0f profiles/s delivered (%,d profile updates after %,d, %d tenants, %.1f s) (target >= 50,000)%n"
                            + "                       %s",
                    rate.perSecond(), rate.deliveries(), warmUp, tenants, rate.seconds(), rate.cpuPerDelivery());
        } finally {
            ForkedJvm.stop(dispatcher);
        }
    }

    /** 1,000 events/s, each to a new subscriber: from the producer's send to the simulator's write. */
    private static String latency(EmbeddedKafka kafka, BlueConicSimulator simulator, BenchmarkRun run) throws Exception {
        String topic = "bench.bc.latency";
        kafka.createTopics(1, topic, topic + ".dlq", topic + ".reports");
        BlueConicTenant tenant = tenant(simulator, "lat");
        tenant.onWrite(profile -> run.arrived(profile.getOrDefault("email", List.of()).stream().findFirst().orElse(null)));
        Process dispatcher = fork(kafka, topic, "{" + destination("lat", simulator.port()) + "}", Map.of());
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            return "latency at 1,000/s:    " + run.latency(Math.min(SECONDS, 30),
                    until -> offer(producer, topic, "lat", 1_000, until, null), until -> offer(producer, topic, "lat", 1_000, until, run));
        } finally {
            ForkedJvm.stop(dispatcher);
        }
    }

    /** BlueConic answers 503 for the whole run while 2,000 events/s keep coming; then it recovers. */
    private static String outage(EmbeddedKafka kafka, BlueConicSimulator simulator) throws Exception {
        String topic = "bench.bc.outage";
        kafka.createTopics(1, topic, topic + ".dlq", topic + ".reports");
        BlueConicTenant tenant = tenant(simulator, "out");
        tenant.faults().failNext(Integer.MAX_VALUE, 503);
        int port = FreePorts.any();
        Process dispatcher = fork(kafka, topic, "{" + destination("out", simulator.port()) + "}",
                Map.of("BLUECONIC_HTTP_PORT", String.valueOf(port)));
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            return "BlueConic " + BenchmarkRun.outage(port, SECONDS, 2_000, until -> offer(producer, topic, "out", 2_000, until, null),
                    () -> tenant.faults().clear(), tenant::profileCount, () -> ForkedJvm.stop(dispatcher));
        }
    }

    private static void offer(KafkaProducer<String, byte[]> producer, String topic, String tenant, int perSecond,
                              long untilMillis, BenchmarkRun run) throws InterruptedException {
        Bench.offer(perSecond, untilMillis, n -> {
            String user = tenant + "-" + USERS.incrementAndGet();
            if (run != null) {
                run.sent(user + "@example.com");
            }
            send(producer, topic, tenant, user, 0);
        });
        producer.flush();
    }

    /** An assignment of {@code user}; each {@code pass} assigns another experiment. */
    private static void send(KafkaProducer<String, byte[]> producer, String topic, String tenant, String user, int pass) {
        AssignmentEvent event = new AssignmentEvent("e-" + user + "-" + pass, EventType.ASSIGNED, tenant,
                Instant.parse("2026-11-22T10:00:00Z").plusSeconds(pass), new Subscriber(user, user + "@example.com"),
                new Experiment("exp-" + (7 + pass), "Winback offer " + pass), Assignment.TREATMENT,
                Instant.parse("2026-11-22T09:00:00Z"), null);
        producer.send(new ProducerRecord<>(topic, tenant, CODEC.encode(event)));
    }

    private static String destination(String tenant, int simulatorPort) {
        return "\"" + tenant + "\":{\"instanceUrl\":\"http://127.0.0.1:" + simulatorPort + "\",\"clientId\":\"client-" + tenant
                + "\",\"clientSecret\":\"secret-" + tenant + "\",\"strategy\":\"UPSERT\"}";
    }

    private static Process fork(EmbeddedKafka kafka, String topic, String destinations, Map<String, String> extra)
            throws java.io.IOException {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "BLUECONIC_TOPIC", topic, "BLUECONIC_DEAD_LETTER_TOPIC", topic + ".dlq", "BLUECONIC_REPORTS_TOPIC", topic + ".reports",
                "BLUECONIC_GROUP_ID", "bench-" + topic, "BLUECONIC_HTTP_HOST", "127.0.0.1", "BLUECONIC_HTTP_PORT", "0",
                "BLUECONIC_INSECURE_HOSTS", "127.0.0.1", "LOG_LEVEL", "WARN"));
        env.put("BLUECONIC_DESTINATIONS", destinations);
        env.put("BLUECONIC_SHUTDOWN_TIMEOUT_MS", "3000");
        env.put("BLUECONIC_INPUT", "events");
        env.putAll(extra);
        // -Dbench.env.NAME=value sets NAME for every dispatcher of the run (e.g. BLUECONIC_MAX_IN_FLIGHT).
        System.getProperties().stringPropertyNames().stream().filter(n -> n.startsWith("bench.env."))
                .forEach(n -> env.put(n.substring("bench.env.".length()), System.getProperty(n)));
        return ForkedJvm.start(Main.class, env, null);
    }
}
