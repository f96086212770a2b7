package com.subsets.sync.infra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a benchmark's cases ({@code -Dbench.cases=a,b} picks some; all by default) and prints one line per
 * case after a title; and measures end-to-end latency by key: {@link #sent} when a record leaves,
 * {@link #arrived} when the destination writes it.
 */
public final class BenchmarkRun {

    private final Map<String, Callable<String>> cases = new LinkedHashMap<>();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.atomic.AtomicLong arrivals = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean measuring;

    /** Offers load at the case's rate until {@code untilMillis}. */
    public interface Load {
        void offer(long untilMillis) throws InterruptedException;
    }

    public BenchmarkRun add(String name, Callable<String> measure) {
        cases.put(name, measure);
        return this;
    }

    /** Runs the chosen cases in order, then prints the title and each case's line. */
    public void run(String title) throws Exception {
        List<String> chosen = List.of(System.getProperty("bench.cases", String.join(",", cases.keySet())).split(","));
        List<String> report = new ArrayList<>();
        for (Map.Entry<String, Callable<String>> c : cases.entrySet()) {
            if (chosen.contains(c.getKey())) {
                report.add(c.getValue().call());
            }
        }
        System.out.printf("%n%s (%d cores; broker, simulator and dispatcher share them)%n", title,
                Runtime.getRuntime().availableProcessors());
        report.forEach(System.out::println);
    }

    /**
     * Offers load until the destination has started receiving it (the dispatcher's JVM is up and its
     * consumer has joined the group: seconds, not a fixed time), then for {@code settleSeconds} more so
     * the backlog of the start is gone before latency is measured.
     */
    public void warmUp(Load load, int settleSeconds) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (arrivals.get() == 0 && System.currentTimeMillis() < deadline) {
            load.offer(System.currentTimeMillis() + 1_000);
        }
        load.offer(System.currentTimeMillis() + settleSeconds * 1000L);
    }

    /**
     * The destination down while load keeps coming: the dispatcher's peak heap (sampled from its
     * {@code /metrics} on {@code metricsPort}) during {@code seconds} of {@code perSecond} events, then
     * how long after {@code restore} it takes until {@code delivered} reaches 99 % of what was sent.
     * {@code stop} ends the dispatcher.
     */
    public static String outage(int metricsPort, long seconds, int perSecond, Load load, Runnable restore,
                                java.util.function.LongSupplier delivered, Runnable stop) throws InterruptedException {
        HeapSampler heap = new HeapSampler(metricsPort);
        heap.start();
        try {
            load.offer(System.currentTimeMillis() + seconds * 1000);
            double peakDown = heap.peakMb();
            long produced = seconds * perSecond;
            long before = delivered.getAsLong();
            restore.run();
            long recovered = System.nanoTime();
            Await.until("the first delivery after recovery", java.time.Duration.ofMinutes(2), () -> delivered.getAsLong() > before);
            long first = System.nanoTime();
            long deliveredAtFirst = delivered.getAsLong();
            Await.until("the catch-up", java.time.Duration.ofMinutes(10), () -> delivered.getAsLong() >= produced * 0.99);
            long done = System.nanoTime();
            // The catch-up rate from the first delivery on: what the budget allows once the vendor answers.
            double rate = (delivered.getAsLong() - deliveredAtFirst) / Math.max(1e-9, (done - first) / 1e9);
            return String.format("down %d s under %,d events/s: dispatcher peak heap %.0f MB under -Xmx256m (target < 256 MB); "
                    + "then first delivery %d ms after recovery, %,d delivered in %.0f s, catching up at %,.0f users/s",
                    seconds, perSecond, peakDown, (first - recovered) / 1_000_000, delivered.getAsLong(), (done - recovered) / 1e9, rate);
        } finally {
            heap.stopSampling();
            stop.run();
        }
    }

    /**
     * The latency case: {@link #warmUp} with {@code unmeasured} load, then {@code seconds} of
     * {@code measured} load (which calls {@link #sent}), 3 s for the last arrivals, and the summary.
     */
    public String latency(long seconds, Load unmeasured, Load measured) throws InterruptedException {
        warmUp(unmeasured, 5);
        measureLatency();
        measured.offer(System.currentTimeMillis() + seconds * 1000);
        Thread.sleep(3_000);
        return latencySummary() + " (target p99 < 1 s)";
    }

    /** Starts (or restarts) latency measurement: what was sent before is not counted. */
    public void measureLatency() {
        sentAt.clear();
        latencies.clear();
        measuring = true;
    }

    public void sent(String key) {
        if (measuring) {
            sentAt.put(key, System.nanoTime());
        }
    }

    public void arrived(String key) {
        arrivals.incrementAndGet();
        Long sent = key == null ? null : sentAt.remove(key);
        if (sent != null) {
            latencies.add(System.nanoTime() - sent);
        }
    }

    /** "p50 .. ms, p99 .. ms, max .. ms over N events" for what arrived since {@link #measureLatency}. */
    public String latencySummary() {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms over %,d events", Bench.percentileMillis(sorted, 0.50),
                Bench.percentileMillis(sorted, 0.99), Bench.percentileMillis(sorted, 1.0), sorted.length);
    }
}
