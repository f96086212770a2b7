package com.subsets.sync.local;

import com.subsets.sync.infra.HeapSampler;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.RecordContract;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.Topics;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Resyncs at scale through the whole system (the local stack), the Iterable dispatcher in a JVM of its own
 * (-Xmx256m, as deployed) so its heap and threads are its own:
 * <ul>
 *   <li>{@code manyBackfills}: {@code -Dbench.scale.tenants} (1,000) destinations registered at once, each tenant with
 *   1,000 subscribers already in the state topic, each its own unthrottled project: every backfill DONE, the time it
 *   took, the dispatcher's peak heap and live threads.</li>
 *   <li>{@code bigBackfill}: one tenant with {@code -Dbench.scale.subscribers} (2,000,000) subscribers backfilled to an
 *   unthrottled project: subscribers/s under way and the dispatcher's peak heap.</li>
 * </ul>
 * Cases: {@code -Dbench.cases=manyBackfills,bigBackfill} (both by default). Run: bench/scale.sh.
 */
public final class ScaleBenchmark {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final EventCodec CODEC = new EventCodec();
    private static final Pattern THREADS = Pattern.compile("(?m)^Threads:\\s+(\\d+)");

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> cases = List.of(System.getProperty("bench.cases", "manyBackfills,bigBackfill").split(","));
        Map<String, String> unthrottled = Map.of("ITERABLE_REQUESTS_PER_SECOND", "10000");
        List<String> results = new ArrayList<>();
        if (cases.contains("manyBackfills")) {
            results.add(SyncBenchmark.report(SyncBenchmark.withStack(unthrottled,
                    stack -> manyBackfills(stack, Integer.getInteger("bench.scale.tenants", 1_000), 1_000))));
        }
        if (cases.contains("bigBackfill")) {
            results.add(SyncBenchmark.report(SyncBenchmark.withStack(unthrottled,
                    stack -> bigBackfill(stack, Integer.getInteger("bench.scale.subscribers", 2_000_000)))));
        }
        System.out.printf("%nsubsets-sync resyncs at scale (%d cores shared by broker, PostgreSQL, services, simulators and load)%n",
                Runtime.getRuntime().availableProcessors());
        results.forEach(System.out::println);
        System.exit(0);
    }

    private static String manyBackfills(LocalStack stack, int tenants, int perTenant) throws Exception {
        StackHttp api = new StackHttp(stack.config);
        AtomicLong written = new AtomicLong();
        for (int t = 0; t < tenants; t++) {
            stack.iterable.addProject("scale-" + t, "scale-key-" + t, IterableProject.Identity.USER_ID, 100_000)
                    .onWrite(user -> written.incrementAndGet());
        }
        produce(stack, tenants, perTenant);
        Process dispatcher = stack.forkIterableDispatcher(Path.of("target/scale-bench-dispatcher.log"));
        Peaks peaks = Peaks.start(stack.config.iterableDispatcherPort(), dispatcher.pid());
        try {
            long started = System.nanoTime();
            for (int t = 0; t < tenants; t++) {
                SyncBenchmark.register(api, "scale" + t, "scale-" + t, "scale-key-" + t, false);
            }
            long registered = System.nanoTime();
            long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            int done = 0;
            while (System.nanoTime() < deadline) {
                done = 0;
                for (int t = 0; t < tenants; t++) {
                    JsonObject resync = api.status("scale" + t, "iterable").getJsonObject("resync");
                    done += resync != null && "DONE".equals(resync.getString("status")) ? 1 : 0;
                }
                if (done == tenants) {
                    break;
                }
                Thread.sleep(2_000);
            }
            long finished = System.nanoTime();
            return String.format("%,d destinations registered at once, %,d subscribers each: %,d of %,d backfills DONE "
                            + "%.1f s after the first registration (registering took %.1f s), %,d users written; Iterable dispatcher "
                            + "peak heap %.0f MB under -Xmx256m (target < 256 MB), peak live threads %d", tenants, perTenant, done,
                    tenants, (finished - started) / 1e9, (registered - started) / 1e9, written.get(), peaks.heap.peakMb(),
                    peaks.threads());
        } finally {
            peaks.stopSampling();
            com.subsets.sync.infra.ForkedJvm.stop(dispatcher);
        }
    }

    private static String bigBackfill(LocalStack stack, int subscribers) throws Exception {
        StackHttp api = new StackHttp(stack.config);
        IterableProject project = stack.iterable.addProject("big-project", "big-key-0001", IterableProject.Identity.USER_ID, 100_000);
        AtomicLong written = new AtomicLong();
        project.onWrite(user -> written.incrementAndGet());
        produce(stack, 0, subscribers);
        Process dispatcher = stack.forkIterableDispatcher(Path.of("target/scale-bench-dispatcher.log"));
        Peaks peaks = Peaks.start(stack.config.iterableDispatcherPort(), dispatcher.pid());
        try {
            SyncBenchmark.register(api, "big", "big-project", "big-key-0001", false);
            long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
            // Timed once a tenth is written (the start, provisioning and the JIT behind it) until every subscriber is.
            while (written.get() < subscribers / 10 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long fromCount = written.get();
            long from = System.nanoTime();
            while (written.get() < subscribers && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double rate = (written.get() - fromCount) / ((System.nanoTime() - from) / 1e9);
            while (System.nanoTime() < deadline) {
                JsonObject resync = api.status("big", "iterable").getJsonObject("resync");
                if (resync != null && "DONE".equals(resync.getString("status"))) {
                    break;
                }
                Thread.sleep(500);
            }
            JsonObject resync = api.status("big", "iterable").getJsonObject("resync");
            return String.format("backfill of %,d subscribers to an unthrottled project: %,.0f subscribers/s under way, %s with %,d "
                            + "sent; Iterable dispatcher peak heap %.0f MB under -Xmx256m (target < 256 MB), peak live threads %d",
                    subscribers, rate, resync.getString("status"), resync.getLong("sent"), peaks.heap.peakMb(), peaks.threads());
        } finally {
            peaks.stopSampling();
            com.subsets.sync.infra.ForkedJvm.stop(dispatcher);
        }
    }

    /** {@code perTenant} subscribers of each of {@code tenants} tenants ({@code scale0...}), or of tenant {@code big} when 0. */
    private static void produce(LocalStack stack, int tenants, int perTenant) throws Exception {
        long events = 0;
        try (KafkaProducer<String, byte[]> producer = SyncBenchmark.producer(stack)) {
            for (int i = 0; i < perTenant; i++) {
                for (int t = 0; t < Math.max(1, tenants); t++) {
                    String tenant = tenants == 0 ? "big" : "scale" + t;
                    AssignmentEvent event = new AssignmentEvent(tenant + "-" + i, EventType.ASSIGNED, tenant, T0.plusMillis(i),
                            new Subscriber(tenant + "-" + i, null), new Experiment("exp-" + (i % 9), "Experiment " + (i % 9)),
                            i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null);
                    producer.send(new ProducerRecord<>(Topics.ASSIGNMENT_EVENTS, RecordContract.keyOf(event), CODEC.encode(event)));
                    events++;
                }
            }
        }
        // Every subscriber in the state topic before the destinations exist: the backfills then have them all.
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (SyncBenchmark.stateChanges(stack) < events && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        System.out.printf("%,d subscribers in the state topic%n", SyncBenchmark.stateChanges(stack));
    }

    /** The dispatcher's peak heap (from its own /metrics) and peak live threads (from /proc, Linux). */
    private static final class Peaks extends Thread {
        final HeapSampler heap;
        private final Path status;
        private volatile int threads;
        private volatile boolean running = true;

        private Peaks(int port, long pid) {
            super("thread-sampler");
            setDaemon(true);
            heap = new HeapSampler(port);
            status = Path.of("/proc/" + pid + "/status");
        }

        static Peaks start(int port, long pid) {
            Peaks peaks = new Peaks(port, pid);
            peaks.heap.start();
            peaks.start();
            return peaks;
        }

        @Override
        public void run() {
            while (running) {
                try {
                    Matcher m = THREADS.matcher(java.nio.file.Files.readString(status));
                    if (m.find()) {
                        threads = Math.max(threads, (int) Double.parseDouble(m.group(1)));
                    }
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // not up yet, or a missed sample
                }
            }
        }

        int threads() {
            return threads;
        }

        void stopSampling() {
            running = false;
            interrupt();
            heap.stopSampling();
        }
    }
}
