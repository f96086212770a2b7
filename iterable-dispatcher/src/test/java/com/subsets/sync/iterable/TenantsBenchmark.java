package com.subsets.sync.iterable;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.infra.BenchmarkRun;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.infra.HeapSampler;
import com.subsets.sync.simulator.iterable.IterableProject;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * A thousand tenants on one Iterable dispatcher replica (its own JVM, -Xmx256m), each its own project on an
 * unthrottled simulator: the 8-tenant figure of {@link IterableDispatcherBenchmark} measured in the same run, then
 * a mixed load (10 busy tenants, 990 trickling) against it, with CPU per delivery and peak heap; then the same
 * thousand tenants idle, the replica's CPU. Run: bench/tenants.sh (see the README).
 */
public final class TenantsBenchmark {

    private static final int TENANTS = Integer.getInteger("bench.tenants", 1_000);
    private static final int BUSY = 10;
    private static final long IDLE_SECONDS = Long.getLong("bench.idle.seconds", 30);

    private TenantsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            Vertx vertx = Vertx.vertx();
            IterableSimulator simulator = new IterableSimulator(vertx);
            simulator.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            new BenchmarkRun()
                    .add("eight", () -> IterableDispatcherBenchmark.unlimited(kafka, simulator))
                    .add("mixed", () -> mixed(kafka, simulator))
                    .add("idle", () -> idle(kafka, simulator, 1) + System.lineSeparator() + idle(kafka, simulator, TENANTS))
                    .run("Iterable dispatcher with " + TENANTS + " tenants");
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /**
     * A project per tenant, no rate limit; the destinations as one static JSON document in a file (a thousand of them
     * inline would pass the kernel's 128 KiB bound on one environment string).
     */
    private static String projects(IterableSimulator simulator, String prefix, AtomicLong written, int tenants)
            throws java.io.IOException {
        StringBuilder destinations = new StringBuilder("{");
        for (int t = 0; t < tenants; t++) {
            IterableProject project = simulator.addProject(prefix + t, "key-" + prefix + t, IterableProject.Identity.USER_ID, 100_000);
            if (written != null) {
                project.onWrite(user -> written.incrementAndGet());
            }
            destinations.append(t == 0 ? "" : ",").append(IterableDispatcherBenchmark.destination(prefix + t, prefix + t, simulator.port()));
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("bench-destinations-", ".json");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, destinations.append("}"));
        return file.toString();
    }

    private static void removeProjects(IterableSimulator simulator, String prefix, int tenants) {
        for (int t = 0; t < tenants; t++) {
            simulator.removeProject(prefix + t);
        }
    }

    /**
     * Ten busy tenants with 40,000 users each, updated three times, and 990 trickling ones with 100 updates each spread
     * through the same stream (1,299,000 events preloaded, 12 partitions): timed after the first third, as the 8-tenant case.
     */
    private static String mixed(EmbeddedKafka kafka, IterableSimulator simulator) throws Exception {
        String topic = "bench.tenants";
        kafka.createTopics(12, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        AtomicLong written = new AtomicLong();
        String destinations = projects(simulator, "mix-", written, TENANTS);
        int perBusy = 40_000;
        int passes = 3;
        int perQuiet = 100;
        long events = 0;
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            int quietEvery = (int) ((long) passes * perBusy * BUSY / ((long) (TENANTS - BUSY) * perQuiet));
            long quietSent = 0;
            for (int pass = 0; pass < passes; pass++) {
                for (int u = 0; u < perBusy; u++) {
                    for (int t = 0; t < BUSY; t++) {
                        IterableDispatcherBenchmark.send(producer, topic, IterableDispatcherBenchmark.event("mix-" + t, "u-" + u, pass * perBusy + u));
                        events++;
                        if (events % quietEvery == 0 && quietSent < (long) (TENANTS - BUSY) * perQuiet) {
                            int tenant = BUSY + (int) (quietSent % (TENANTS - BUSY));
                            IterableDispatcherBenchmark.send(producer, topic, IterableDispatcherBenchmark.event("mix-" + tenant,
                                    "q-" + quietSent, (int) quietSent));
                            quietSent++;
                            events++;
                        }
                    }
                }
            }
        }
        int port = FreePorts.any();
        Process dispatcher = IterableDispatcherBenchmark.fork(kafka, topic, "{}", Map.of("ITERABLE_DESTINATIONS_FILE", destinations,
                // 100 requests/s a project, far above what a tenant's 1,000-user batches need here: a budget's limiter keeps
                // two timestamps per request of its second (AdaptiveRateLimiter), 160 KB a budget at 10,000/s, 160 MB for
                // a thousand, which left this -Xmx256m replica collecting garbage most of the time (8,338 users/s).
                "ITERABLE_REQUESTS_PER_SECOND", Integer.getInteger("bench.tenants.rate", 100).toString(),
                "ITERABLE_MAX_IN_FLIGHT", "4", "ITERABLE_HTTP_PORT", String.valueOf(port)));
        HeapSampler heap = new HeapSampler(port);
        heap.start();
        try {
            Bench.Rate rate = Bench.steadyRate(written::get, events / 3, events, Duration.ofMinutes(15), dispatcher.toHandle());
            return String.format("%,d tenants, %d busy:   %,.0f users/s delivered (%,d user updates after %,d, %.1f s); %s; "
                            + "dispatcher peak heap %.0f MB under -Xmx256m (targets: >= 80 %% of the 8-tenant figure above, heap < 256 MB)",
                    TENANTS, BUSY, rate.perSecond(), rate.deliveries(), events / 3, rate.seconds(), rate.cpuPerDelivery(), heap.peakMb());
        } finally {
            heap.stopSampling();
            ForkedJvm.stop(dispatcher);
            removeProjects(simulator, "mix-", TENANTS);
        }
    }

    /**
     * The tenants' destinations known, each tenant with one user delivered, then nothing: the replica's CPU. Measured
     * with one tenant too, what the replica spends idle whatever the number of tenants.
     */
    private static String idle(EmbeddedKafka kafka, IterableSimulator simulator, int tenants) throws Exception {
        String topic = "bench.idle" + tenants;
        kafka.createTopics(12, topic, topic + ".dlq", topic + ".reports", topic + ".deliveries");
        AtomicLong written = new AtomicLong();
        String destinations = projects(simulator, "idle-", written, tenants);
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            for (int t = 0; t < tenants; t++) {
                IterableDispatcherBenchmark.send(producer, topic, IterableDispatcherBenchmark.event("idle-" + t, "u-0", t));
            }
        }
        Process dispatcher = IterableDispatcherBenchmark.fork(kafka, topic, "{}", Map.of("ITERABLE_DESTINATIONS_FILE", destinations));
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (written.get() < tenants && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            // Every lane and budget exists now; let the JIT and the start's timers settle.
            Thread.sleep(10_000);
            Duration from = dispatcher.toHandle().info().totalCpuDuration().orElseThrow();
            long begin = System.nanoTime();
            Thread.sleep(IDLE_SECONDS * 1_000);
            Duration used = dispatcher.toHandle().info().totalCpuDuration().orElseThrow().minus(from);
            double share = used.toNanos() / (double) (System.nanoTime() - begin);
            return String.format("%,d tenants idle:     %.2f %% of a core over %d s (%,d of %,d tenants delivered one user first) "
                    + "(target < 2 %%)", tenants, share * 100, IDLE_SECONDS, written.get(), tenants);
        } finally {
            ForkedJvm.stop(dispatcher);
            removeProjects(simulator, "idle-", tenants);
        }
    }
}
