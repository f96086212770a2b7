package com.subsets.sync.local;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.HeapSampler;
import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.RecordContract;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.iterable.IterableProject;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The whole system measured through the subscriber-state service, in one process (the local stack: embedded
 * broker and PostgreSQL, the five services, the simulators, and this load all share the machine's cores):
 * <ul>
 *   <li>{@code endToEnd}: 1,000 events/s appended to the events topic; from each append to Iterable's write of
 *   that subscriber (p50, p99), Iterable at its 5 requests/s (target p99 under 1 s).</li>
 *   <li>{@code backfill}: a destination registered after its tenant's subscribers; subscribers/s its backfill
 *   writes, to an unthrottled simulator and to Iterable's 5 requests/s (target at least 97 % of 5,000/s).</li>
 *   <li>{@code parking}: one tenant's Iterable answers 503 for {@code -Dbench.outage.seconds} (300) while another's
 *   stays up, 250 events/s each, default parking time (2 min): the healthy tenant's p99 before, during and after.</li>
 * </ul>
 * Cases: {@code -Dbench.cases=endToEnd,backfill,parking} (default {@code endToEnd,backfill}).
 */
public final class SyncBenchmark {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

    private SyncBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> cases = List.of(System.getProperty("bench.cases", "endToEnd,backfill").split(","));
        List<String> results = new ArrayList<>();
        if (cases.contains("endToEnd")) {
            results.add(report(withStack(Map.of(), SyncBenchmark::endToEnd)));
        }
        if (cases.contains("backfill")) {
            results.add(report(withStack(Map.of("ITERABLE_REQUESTS_PER_SECOND", "10000"),
                    stack -> backfill(stack, "unthrottled", 200_000, 10_000))));
            results.add(report(withStack(Map.of(), stack -> backfill(stack, "5req/s", Integer.getInteger("bench.backfill.subscribers",
                    100_000), 5))));
        }
        if (cases.contains("parking")) {
            results.add(report(withStack(Map.of(), SyncBenchmark::parking)));
        }
        System.out.printf("%nsubsets-sync end-to-end benchmark (%d cores shared by broker, PostgreSQL, services, simulators and load)%n",
                Runtime.getRuntime().availableProcessors());
        results.forEach(System.out::println);
        System.exit(0);
    }

    /** Prints a case's figures as soon as it ends (a later case failing keeps them). */
    static String report(String result) {
        System.out.println("RESULT " + result);
        return result;
    }

    interface Case {
        String run(LocalStack stack) throws Exception;
    }

    static String withStack(Map<String, String> env, Case body) throws Exception {
        Map<String, String> local = Map.of("LOCAL_INGEST_PORT", "0", "LOCAL_INGEST_METRICS_PORT", "0", "LOCAL_PROVISIONER_METRICS_PORT", "0",
                "LOCAL_ITERABLE_DISPATCHER_PORT", "0",
                "LOCAL_BLUECONIC_DISPATCHER_PORT", "0", "LOCAL_PROVISIONER_PORT", "0", "LOCAL_STATE_PORT", "0",
                "LOCAL_ITERABLE_SIMULATOR_PORT", "0", "LOCAL_BLUECONIC_SIMULATOR_PORT", "0");
        Map<String, String> services = new HashMap<>(env);
        services.putIfAbsent("LOG_LEVEL", "WARN");
        LocalStackConfig config = LocalStackConfig.fromEnv(new EnvReader(local::get)).withServiceEnv(services);
        try (LocalStack stack = LocalStack.start(config, new Progress(new PrintStream(OutputStream.nullOutputStream())))) {
            return body.run(stack);
        }
    }

    // ---- cases ----

    private static String endToEnd(LocalStack stack) throws Exception {
        StackHttp api = new StackHttp(stack.config);
        IterableProject project = stack.iterable.addProject("e2e-project", "e2e-key-0001", IterableProject.Identity.USER_ID);
        register(api, "e2e", "e2e-project", "e2e-key-0001", true);
        Latencies latencies = new Latencies();
        project.onWrite(latencies::written);
        int seconds = Integer.getInteger("bench.e2e.seconds", 60);
        long start = System.currentTimeMillis();
        long warmUntil = start + 5_000;
        AtomicLong acked = new AtomicLong();
        try (KafkaProducer<String, byte[]> producer = producer(stack)) {
            Bench.offer(1_000, start + 5_000 + seconds * 1_000L, n -> {
                String user = "e2e-" + (n % 5_000);
                AssignmentEvent event = scored("e2e", user, n);
                long appended = System.nanoTime();
                producer.send(new ProducerRecord<>(Topics.ASSIGNMENT_EVENTS, RecordContract.keyOf(event), CODEC.encode(event)),
                        (meta, e) -> {
                            if (e == null) {
                                acked.incrementAndGet();
                            }
                            if (e == null && System.currentTimeMillis() > warmUntil) {
                                latencies.appended(user, appended);
                            }
                        });
            });
        }
        Thread.sleep(3_000);
        System.out.printf("end to end: %,d events acknowledged, %,d users at Iterable%n", acked.get(), project.userCount());
        long[] sorted = latencies.sorted();
        return String.format("end to end at 1,000 events/s for " + seconds + " s after 5 s of warm-up (state service, Iterable at 5 requests/s, "
                        + "batches of up to 1,000): append to Iterable's write p50 %.0f ms, p99 %.0f ms, max %.0f ms over %,d writes "
                        + "(target p99 < 1 s)", Bench.percentileMillis(sorted, 0.50), Bench.percentileMillis(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    private static String backfill(LocalStack stack, String label, int subscribers, int bulkPerSecond) throws Exception {
        StackHttp api = new StackHttp(stack.config);
        String tenant = "backfill";
        IterableProject project = stack.iterable.addProject("backfill-project", "backfill-key-0001",
                IterableProject.Identity.USER_ID, bulkPerSecond).recordBulkRequests();
        try (KafkaProducer<String, byte[]> producer = producer(stack)) {
            for (int i = 0; i < subscribers; i++) {
                AssignmentEvent event = new AssignmentEvent("b-" + i, EventType.ASSIGNED, tenant, T0.plusMillis(i),
                        new Subscriber("backfill-" + i, null), new Experiment("exp-" + (i % 9), "Experiment " + (i % 9)),
                        i % 2 == 0 ? Assignment.TREATMENT : Assignment.CONTROL, T0, null);
                producer.send(new ProducerRecord<>(Topics.ASSIGNMENT_EVENTS, RecordContract.keyOf(event), CODEC.encode(event)));
            }
        }
        // Every subscriber in the state topic before the destination exists: the backfill then has them all.
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (stateChanges(stack) < subscribers && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
        }
        HeapSampler heap = new HeapSampler(stack.config.iterableDispatcherPort());
        heap.start();
        long registered = System.nanoTime();
        register(api, tenant, "backfill-project", "backfill-key-0001", false);
        JsonObject done;
        while (true) {
            done = api.status(tenant, "iterable").getJsonObject("resync");
            if (done != null && "DONE".equals(done.getString("status")) || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(100);
        }
        long finished = System.nanoTime();
        heap.stopSampling();
        List<Long> arrivals = project.calls().stream().filter(c -> c.path().endsWith("/bulkUpdate")).map(c -> c.atMillis()).sorted().toList();
        List<Integer> sizes = project.bulkRequests().stream().map(List::size).toList();
        long users = sizes.stream().mapToLong(Integer::longValue).sum();
        // The pace once under way: the users of the third request on, over the time from the second's arrival to the last's
        // (the first two are apart by the reader's start, 1.7 to 3.5 s here, reported on its own).
        double steady = arrivals.size() < 3 ? Double.NaN
                : sizes.subList(2, sizes.size()).stream().mapToLong(Integer::longValue).sum()
                        / ((arrivals.get(arrivals.size() - 1) - arrivals.get(1)) / 1e3);
        double overall = subscribers / ((finished - registered) / 1e9);
        long startGap = arrivals.size() < 2 ? -1 : arrivals.get(1) - arrivals.get(0);
        long[] gaps = gaps(project);
        return String.format("backfill %s: %,d subscribers, %,d users written in %,d requests (%,.0f a request); under way %,.0f "
                        + "subscribers/s%s; %,.0f subscribers/s over the %.1f s from registration to DONE (provisioning, the dispatcher's "
                        + "2 s refresh and counting included; first-to-second request %d ms); gaps between requests p50 %d ms, the largest after the start %d ms; "
                        + "peak heap of the whole process %.0f MB", label, subscribers, users, sizes.size(), (double) users / sizes.size(),
                steady, bulkPerSecond == 5 ? String.format(" = %.1f %% of 5,000/s", steady / 50) : "", overall,
                (finished - registered) / 1e9, startGap, gaps.length == 0 ? -1 : gaps[gaps.length / 2],
                gaps.length < 2 ? -1 : gaps[gaps.length - 2], heap.peakMb());
    }

    /** Milliseconds between consecutive bulkUpdate calls the project received, sorted. */
    private static long[] gaps(IterableProject project) {
        List<Long> at = project.calls().stream().filter(c -> c.path().endsWith("/bulkUpdate")).map(c -> c.atMillis()).sorted().toList();
        long[] gaps = new long[Math.max(0, at.size() - 1)];
        for (int i = 1; i < at.size(); i++) {
            gaps[i - 1] = at.get(i) - at.get(i - 1);
        }
        java.util.Arrays.sort(gaps);
        return gaps;
    }

    private static String parking(LocalStack stack) throws Exception {
        StackHttp api = new StackHttp(stack.config);
        int outage = Integer.getInteger("bench.outage.seconds", 300);
        IterableProject steady = stack.iterable.addProject("steady-project", "steady-key-0001", IterableProject.Identity.USER_ID);
        IterableProject flaky = stack.iterable.addProject("flaky-project", "flaky-key-0001", IterableProject.Identity.USER_ID);
        register(api, "steady", "steady-project", "steady-key-0001", true);
        register(api, "flaky", "flaky-project", "flaky-key-0001", true);
        Latencies before = new Latencies();
        Latencies during = new Latencies();
        Latencies after = new Latencies();
        Latencies[] phase = {before};
        steady.onWrite(user -> phase[0].written(user));
        long start = System.currentTimeMillis();
        long outageAt = start + 30_000;
        long recoverAt = outageAt + outage * 1_000L;
        long end = recoverAt + 60_000;
        try (KafkaProducer<String, byte[]> producer = producer(stack)) {
            Bench.offer(500, end, n -> {
                long now = System.currentTimeMillis();
                if (phase[0] == before && now >= outageAt) {
                    flaky.faults().failNext(Integer.MAX_VALUE, 503);
                    phase[0] = during;
                } else if (phase[0] == during && now >= recoverAt) {
                    flaky.faults().clear();
                    phase[0] = after;
                }
                String tenant = n % 2 == 0 ? "steady" : "flaky";
                String user = tenant + "-" + (n / 2 % 1_000);
                AssignmentEvent event = scored(tenant, user, n);
                long appended = System.nanoTime();
                Latencies current = phase[0];
                producer.send(new ProducerRecord<>(Topics.ASSIGNMENT_EVENTS, RecordContract.keyOf(event), CODEC.encode(event)),
                        (meta, e) -> {
                            if (e == null && tenant.equals("steady")) {
                                current.appended(user, appended);
                            }
                        });
            });
        }
        Thread.sleep(3_000);
        String status = api.status("flaky", "iterable").getString("status");
        return String.format("parking: flaky's Iterable answered 503 for %d s while steady's stayed up, 250 events/s each; "
                        + "steady append-to-write p99 before %.0f ms, during %.0f ms (max %.0f ms), after %.0f ms; flaky's users written %,d "
                        + "of 1,000, its status %s", outage, before.p(0.99), during.p(0.99), during.p(1.0), after.p(0.99),
                flaky.userCount(), status);
    }

    // ---- helpers ----

    /** Append times per user, matched with the user's next write; only the latest append of a user waits. */
    private static final class Latencies {
        private final Map<String, Long> pending = new ConcurrentHashMap<>();
        private final List<Long> nanos = java.util.Collections.synchronizedList(new ArrayList<>());

        void appended(String user, long at) {
            pending.putIfAbsent(user, at);
        }

        void written(String user) {
            Long at = pending.remove(user);
            if (at != null) {
                nanos.add(System.nanoTime() - at);
            }
        }

        long[] sorted() {
            synchronized (nanos) {
                return nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
        }

        double p(double q) {
            long[] sorted = sorted();
            return q >= 1.0 ? (sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6) : Bench.percentileMillis(sorted, q);
        }
    }

    private static AssignmentEvent scored(String tenant, String user, long n) {
        return new AssignmentEvent(tenant + "-" + n, EventType.CHURN_RISK_SCORED, tenant, T0.plusMillis(n), new Subscriber(user, null),
                // n / 1000 moves every second: a subscriber's next score differs from its last (an equal one changes no state).
                null, null, null, BigDecimal.valueOf((n + n / 1_000) % 100, 2));
    }

    static void register(StackHttp api, String tenant, String projectId, String apiKey, boolean wait) throws Exception {
        api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", new JsonObject().put("apiKey", apiKey)
                .put("region", "us").put("identifier", "userId").put("projectId", projectId));
        while (wait && !"READY".equals(api.destination(tenant, "iterable").getString("status"))) {
            Thread.sleep(100);
        }
        if (wait) {
            Thread.sleep(2_500); // the dispatchers read READY destinations every 2 s in the local stack
        }
    }

    /** As {@link Bench#producer}: acks=all, small linger, 64 KB batches. */
    static KafkaProducer<String, byte[]> producer(LocalStack stack) {
        return new KafkaProducer<>(Map.of("bootstrap.servers", stack.bootstrapServers, "acks", "all", "linger.ms", "5",
                "batch.size", "65536"), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer());
    }

    private static final java.util.regex.Pattern CHANGED =
            java.util.regex.Pattern.compile("state_events_total\\{[^}]*outcome=\"changed\"[^}]*} (\\S+)");

    /** The states the subscriber-state service changed so far, from its own /metrics. */
    static long stateChanges(LocalStack stack) throws Exception {
        var response = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.config.url(stack.config.statePort()) + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        var m = CHANGED.matcher(response.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
