package com.subsets.sync.state;

import com.subsets.sync.infra.Bench;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.runtime.EnvReader;
import io.micrometer.core.instrument.Counter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The state service's figures on one machine (broker, service and tools share its cores):
 * <ul>
 *   <li>events/s applied by one instance to a preloaded topic (400,000 churn scores for 100,000 subscribers over
 *       200 tenants, a quarter naming userId and e-mail, an eighth e-mail only), against the raw rate of Kafka's ConsumerPerformance on the same topic and broker, same run:
 *       once by the JVM's first instance, then in rounds, each a new instance (warm: compiled code), medians compared;</li>
 *   <li>the latency from an event's append to its subscriber's new state being readable (read_committed) on
 *       the state topic, at 1,000 events/s for 30 s;</li>
 *   <li>with {@code -Dbench.cases=restore}, the state's size and a new instance's restore time ({@link StateRestoreBenchmark}).</li>
 * </ul>
 * Run by {@code bench/state.sh}.
 */
public final class StateServiceBenchmark {

    private static final int EVENTS = 400_000;
    private static final int SUBSCRIBERS = 100_000;
    private static final int PARTITIONS = 6;
    private static final Instant T0 = Instant.parse("2026-11-22T09:00:00Z");

    private StateServiceBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // -Dbench.cases: throughput,latency by default; restore (StateRestoreBenchmark) takes minutes and gigabytes, so it is asked for.
        List<String> cases = List.of(System.getProperty("bench.cases", "throughput,latency").split(","));
        List<String> report = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            if (cases.contains("throughput")) {
                report.add(throughput(kafka));
            }
            if (cases.contains("latency")) {
                report.add(latency(kafka));
            }
            if (cases.contains("restore")) {
                report.add(StateRestoreBenchmark.restore(kafka));
            }
            System.out.printf("%nsubscriber-state benchmark (%d cores; broker, service and tools share them)%n%s%n",
                    Runtime.getRuntime().availableProcessors(), String.join(System.lineSeparator(), report));
        }
        System.exit(0);
    }

    /**
     * A first instance warms the JVM (the JIT compiles the hot paths of Streams, the clients and the codecs, as in
     * any instance that has run for a minute); then rounds of ConsumerPerformance and a new, warm instance, each
     * reading the whole preloaded topic. The medians are compared: on a shared two-core machine one run of either
     * varies by a third.
     */
    private static String throughput(EmbeddedKafka kafka) throws Exception {
        String events = "bench-state.events";
        String mix = preload(kafka, events);
        Pass cold = applyAll(kafka, "bench-state-0", events);
        int rounds = Integer.getInteger("bench.rounds", 3);
        double[] raw = new double[rounds];
        double[] warm = new double[rounds];
        double[] cpu = new double[rounds];
        StringBuilder each = new StringBuilder();
        for (int round = 0; round < rounds; round++) {
            raw[round] = consumerPerformance(kafka.bootstrapServers(), events);
            Pass pass = applyAll(kafka, "bench-state-" + (round + 1), events);
            warm[round] = pass.eventsPerSecond();
            cpu[round] = pass.cpuMicrosPerEvent();
            each.append(String.format("%s%,.0f / %,.0f", round == 0 ? "" : ", ", warm[round], raw[round]));
        }
        double medianWarm = median(warm);
        double medianRaw = median(raw);
        return String.format("applied:              %,.0f events/s by a warm instance (median of %d; %,d events, %d partitions, exactly once) "
                        + "= %.0f %% of ConsumerPerformance's median %,.0f records/s on the same topic (target >= 50 %%)%n"
                        + "                      events: %s%n"
                        + "                      each round, instance / ConsumerPerformance: %s%n"
                        + "                      stream thread CPU per event: %.1f µs (median; the cost that does not depend on the machine's load)%n"
                        + "                      %,.0f events/s = %.0f %% by the first instance of the JVM (compiling as it runs), %.1f µs CPU per event",
                medianWarm, rounds, EVENTS, PARTITIONS, 100 * medianWarm / medianRaw, medianRaw, mix, each, median(cpu),
                cold.eventsPerSecond(), 100 * cold.eventsPerSecond() / medianRaw, cold.cpuMicrosPerEvent());
    }

    /** One instance's pass over the topic: its rate, and its stream threads' CPU time per event over the same span. */
    private record Pass(double eventsPerSecond, double cpuMicrosPerEvent) {
    }

    /** CPU time so far of the stream threads of application {@code name}. */
    private static long streamThreadsCpuNanos(String name) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(name + "-") && t.getName().contains("-StreamThread-"))
                .mapToLong(t -> Math.max(0, threads.getThreadCpuTime(t.getId()))).sum();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /**
     * {@link #EVENTS} churn scores: each subscriber's score four times, each a new value. Each event names its subscriber
     * by userId and e-mail with probability {@code -Dbench.bothShare} (0.25: links made, then confirmed), by e-mail only
     * with {@code -Dbench.emailShare} (0.125: e-mail-only subscribers, merged and tombstoned when linked later, or
     * routed through their link), by userId only otherwise; both 0 is the mix before identity links.
     */
    private static String preload(EmbeddedKafka kafka, String events) throws Exception {
        kafka.createTopics(PARTITIONS, events, "bench-state.state", events + ".dlq", StateServiceEnv.erasures(events));
        double both = Double.parseDouble(System.getProperty("bench.bothShare", "0.25"));
        double emailOnly = Double.parseDouble(System.getProperty("bench.emailShare", "0.125"));
        java.util.Random random = new java.util.Random(25);
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            for (int i = 0; i < EVENTS; i++) {
                int subscriber = i % SUBSCRIBERS;
                String tenant = "tenant-" + subscriber % 200;
                double draw = random.nextDouble();
                Subscriber who = draw < both ? new Subscriber("user-" + subscriber, "user-" + subscriber + "@example.com")
                        : draw < both + emailOnly ? new Subscriber(null, "user-" + subscriber + "@example.com")
                        : new Subscriber("user-" + subscriber, null);
                producer.send(new ProducerRecord<>(events, tenant, codec.encode(new AssignmentEvent("b-" + i, EventType.CHURN_RISK_SCORED,
                        tenant, T0.plusSeconds(i / SUBSCRIBERS), who, null, null, null, new BigDecimal("0." + (10 + i / SUBSCRIBERS))))));
            }
        }
        return String.format("%.0f %% of events naming userId and e-mail, %.0f %% e-mail only, the rest userId only", 100 * both,
                100 * emailOnly);
    }

    /**
     * Events/s of a new instance (application {@code name}) over the whole of {@code events}, timed from the first
     * 1 % applied (the group joined, the tasks running) to the last.
     */
    private static Pass applyAll(EmbeddedKafka kafka, String name, String events) throws Exception {
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), name, events, "bench-state.state");
        // -Dbench.threads: the instance's stream threads (STATE_STREAM_THREADS), the service's default otherwise.
        Optional.ofNullable(System.getProperty("bench.threads")).ifPresent(threads -> env.put("STATE_STREAM_THREADS", threads));
        long started = System.nanoTime();
        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        long timedFrom = 0;
        long appliedFrom = 0;
        long cpuFrom = 0;
        long cpuTo;
        long timedTo;
        long appliedNow;
        try {
            while ((appliedNow = applied(service)) < EVENTS) {
                if (timedFrom == 0 && appliedNow >= EVENTS / 100) {
                    timedFrom = System.nanoTime();
                    appliedFrom = appliedNow;
                    cpuFrom = streamThreadsCpuNanos(name);
                }
                Thread.sleep(20);
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(10)) {
                    throw new IllegalStateException("not all events applied within 10 minutes: " + appliedNow);
                }
            }
            timedTo = System.nanoTime();
            cpuTo = streamThreadsCpuNanos(name);
        } finally {
            service.close().await(60, TimeUnit.SECONDS);
        }
        double seconds = (timedTo - timedFrom) / 1e9;
        return new Pass((EVENTS - appliedFrom) / seconds, (cpuTo - cpuFrom) / 1e3 / (EVENTS - appliedFrom));
    }

    /** Events counted by outcome, read from the service's registry (a scrape of /metrics at this rate would cost a core's share). */
    private static long applied(SubscriberStateService service) {
        return (long) service.registry().find("state.events").counters().stream().mapToDouble(Counter::count).sum();
    }

    private static String latency(EmbeddedKafka kafka) throws Exception {
        String events = "bench-latency.events";
        String state = "bench-latency.state";
        kafka.createTopics(PARTITIONS, events, state, events + ".dlq", StateServiceEnv.erasures(events));
        Map<String, String> env = StateServiceEnv.of(kafka.bootstrapServers(), "bench-latency", events, state);
        SubscriberStateService service = SubscriberStateService.start(SubscriberStateConfig.fromEnv(new EnvReader(env::get),
                env.keySet())).await(60, TimeUnit.SECONDS);
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
        Thread reader = new Thread(() -> {
            Properties props = new Properties();
            props.put("bootstrap.servers", kafka.bootstrapServers());
            props.put("isolation.level", "read_committed");
            props.put("group.id", "bench-latency-reader");
            props.put("auto.offset.reset", "earliest");
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(state));
                while (reading.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        // The state record keeps its event's timestamp: the producer's append time.
                        if (record.timestamp() >= measuredFrom.get()) {
                            synchronized (latencies) {
                                latencies.add(System.currentTimeMillis() - record.timestamp());
                            }
                        }
                    }
                }
            }
        });
        reader.start();
        EventCodec codec = new EventCodec();
        try (KafkaProducer<String, byte[]> producer = Bench.producer(kafka)) {
            long start = System.currentTimeMillis();
            measuredFrom.set(start + 5_000);
            Bench.offer(1_000, start + 35_000, n -> {
                String tenant = "tenant-" + n % 50;
                producer.send(new ProducerRecord<>(events, tenant, codec.encode(new AssignmentEvent("l-" + n, EventType.CHURN_RISK_SCORED,
                        tenant, T0.plusMillis(n), new Subscriber("user-" + n % 5_000, null), null, null, null,
                        // Each visit to a subscriber flips its score, so every event is a real change to write.
                        new BigDecimal((n / 5_000) % 2 == 0 ? "0.25" : "0.75")))));
            });
        }
        Thread.sleep(2_000);
        reading.set(false);
        reader.join();
        service.close().await(60, TimeUnit.SECONDS);
        long[] sorted;
        synchronized (latencies) {
            sorted = latencies.stream().mapToLong(ms -> ms * 1_000_000).sorted().toArray();
        }
        return String.format("latency at 1,000/s:   append to state readable (read_committed): p50 %.0f ms, p99 %.0f ms, max %.0f ms "
                        + "over %,d changes after 5 s of warm-up (target p99 < 200 ms)", Bench.percentileMillis(sorted, 0.50),
                Bench.percentileMillis(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6, sorted.length);
    }

    /** Kafka's own consumer tool on the same topic: records/s. */
    private static double consumerPerformance(String bootstrap, String topic) throws Exception {
        List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m", "-cp",
                System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsumerPerformance", "--bootstrap-server", bootstrap,
                "--topic", topic, "--messages", String.valueOf(EVENTS), "--timeout", "60000");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String header = null;
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith("start.time")) {
                    header = line;
                } else if (header != null && !line.isBlank() && last == null) {
                    last = line;
                }
            }
        }
        process.waitFor(5, TimeUnit.MINUTES);
        if (header == null || last == null) {
            throw new IllegalStateException("ConsumerPerformance printed no summary");
        }
        List<String> names = Arrays.stream(header.split(",")).map(String::trim).toList();
        String[] values = last.split(",");
        double rate = Double.parseDouble(values[names.indexOf("nMsg.sec")].trim());
        System.out.println("ConsumerPerformance: " + last.trim());
        return rate;
    }
}
