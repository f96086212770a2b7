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
    private volatile boolean measuring;

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
