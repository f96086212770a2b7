package com.subsets.sync.ingest;

import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.HeapSampler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the ingest service as deployed: its own JVM (-Xmx256m), a real broker, concurrent HTTP
 * clients over loopback. Prints events/s acknowledged (202), p50/p99 latency and the service's peak
 * heap (read from its own /metrics), for single-event requests and 500-event batches, and runs
 * Kafka's ProducerPerformance (300-byte records, acks=all) against the same broker for the ratio.
 * Everything shares this machine's cores. Run: bench/ingest.sh (see the README).
 */
public final class IngestBenchmark {

    private static final String TOKEN = "benchmark-token";
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("bench.warmup", 30));
    private static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private IngestBenchmark() {
    }

    record Result(String name, long events, double seconds, long[] latenciesNanos, double peakHeapMb, double cpuSeconds) {

        /** The service's CPU time per 1,000 events acknowledged: steadier than events/s on a shared, noisy machine. */
        double cpuMsPerThousand() {
            return cpuSeconds < 0 || events == 0 ? Double.NaN : 1e6 * cpuSeconds / events;
        }

        double eventsPerSecond() {
            return events / seconds;
        }

        double percentileMs(double p) {
            if (latenciesNanos.length == 0) {
                return Double.NaN;
            }
            return latenciesNanos[(int) Math.min(latenciesNanos.length - 1, Math.floor(p * latenciesNanos.length))] / 1e6;
        }
    }

    public static void main(String[] args) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(6, "bench.ingest.events", "bench.producer-performance");
            int port = FreePorts.any();
            int metricsPort = FreePorts.any();
            Process service = startService(kafka.bootstrapServers(), port, metricsPort);
            Vertx vertx = Vertx.vertx();
            try {
                awaitReady(metricsPort);
                // The core HTTP client, not WebClient: the load generator shares the cores and must stay cheap.
                HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
                        .setDefaultPort(port).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1100));
                // -Dbench.cases=single (or batched) runs one case alone, e.g. to profile it.
                String cases = System.getProperty("bench.cases", "single,batched");
                Result single = cases.contains("single")
                        ? drive(client, service, metricsPort, "single-event requests", 1, Integer.getInteger("bench.concurrency", 256)) : null;
                Result batched = cases.contains("batched")
                        ? drive(client, service, metricsPort, "500-event batches", 500, Integer.getInteger("bench.batchConcurrency", 32)) : null;
                double[] producerPerformance = batched == null ? null : producerPerformance(kafka.bootstrapServers());
                report(single, batched, producerPerformance);
            } finally {
                vertx.close().await(10, TimeUnit.SECONDS);
                service.destroy();
                service.waitFor(30, TimeUnit.SECONDS);
            }
        }
        System.exit(0);
    }

    private static Process startService(String bootstrap, int port, int metricsPort) throws IOException {
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC"));
        // e.g. -Dbench.serviceJvmArgs=-XX:StartFlightRecording=filename=/tmp/ingest.jfr to profile the service
        String extra = System.getProperty("bench.serviceJvmArgs", "");
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().putAll(Map.of(
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", String.valueOf(port),
                "INGEST_METRICS_PORT", String.valueOf(metricsPort),
                "INGEST_TOKEN_SHA256", TokenAuthenticator.sha256Hex(TOKEN),
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "INGEST_TOPIC", "bench.ingest.events",
                "LOG_LEVEL", "WARN"));
        return builder.start();
    }

    private static Result drive(HttpClient client, Process service, int metricsPort, String name, int eventsPerRequest, int concurrency)
            throws Exception {
        run(client, eventsPerRequest, concurrency, WARM_UP, null);
        HeapSampler heap = new HeapSampler(metricsPort);
        double cpuBefore = cpuSeconds(service);
        heap.start();
        List<Long> latencies = new ArrayList<>();
        long started = System.nanoTime();
        long events = run(client, eventsPerRequest, concurrency, MEASURE, latencies);
        double seconds = (System.nanoTime() - started) / 1e9;
        heap.stopSampling();
        printServiceSide(metricsPort, name);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Result(name, events, seconds, sorted, heap.peakMb(), cpuSeconds(service) - cpuBefore);
    }

    /** Keeps {@code concurrency} requests in flight until {@code duration} is over; returns events acknowledged. */
    private static long run(HttpClient client, int eventsPerRequest, int concurrency, Duration duration, List<Long> latencies)
            throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        // Bodies are built before the clock starts: the load generator shares the cores and must stay cheap.
        List<Buffer> bodies = new ArrayList<>();
        for (int i = 0; i < Math.max(64, 4096 / eventsPerRequest); i++) {
            bodies.add(body(eventsPerRequest, (long) i * eventsPerRequest));
        }
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong sequence = new AtomicLong();
        CountDownLatch done = new CountDownLatch(concurrency);
        for (int c = 0; c < concurrency; c++) {
            new Runnable() {
                @Override
                public void run() {
                    if (System.nanoTime() >= deadline) {
                        done.countDown();
                        return;
                    }
                    Buffer body = bodies.get((int) (sequence.getAndIncrement() % bodies.size()));
                    long sent = System.nanoTime();
                    client.request(HttpMethod.POST, "/v1/events")
                            .compose(request -> request.putHeader("authorization", "Bearer " + TOKEN)
                                    .putHeader("content-type", "application/json").send(body))
                            .compose(response -> response.body().map(ignored -> response.statusCode()))
                            .onComplete(ar -> {
                                if (ar.succeeded() && ar.result() == 202) {
                                    acknowledged.addAndGet(eventsPerRequest);
                                    if (latencies != null) {
                                        synchronized (latencies) {
                                            latencies.add(System.nanoTime() - sent);
                                        }
                                    }
                                }
                                this.run();
                            });
                }
            }.run();
        }
        done.await(duration.toSeconds() + 60, TimeUnit.SECONDS);
        return acknowledged.get();
    }

    /** User and system CPU time the process has used, from /proc (Linux); -1 elsewhere. */
    private static double cpuSeconds(Process process) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime are fields 14 and 15 of stat(5), 12 and 13 after the command name; in clock ticks (100/s).
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException notLinux) {
            return -1;
        }
    }

    /** About 300 bytes an event, spread over 200 tenants. */
    private static Buffer body(int count, long first) {
        StringBuilder json = new StringBuilder(count == 1 ? "" : "[");
        for (int i = 0; i < count; i++) {
            long n = first + i;
            json.append(i == 0 ? "" : ",").append("""
                    {"eventId":"bench-%d","type":"experiment.assigned","tenantId":"tenant-%d","occurredAt":"2026-11-22T09:59:00Z",\
                    "subscriber":{"userId":"user-%d"},"experiment":{"id":"exp-42","name":"Winback offer"},\
                    "assignment":"treatment","addedAt":"2026-11-22T09:00:00Z","churnRisk":0.73}""".formatted(n, n % 200, n));
        }
        return Buffer.buffer(json.append(count == 1 ? "" : "]").toString());
    }

    /** Kafka's own producer tool against the same broker: records/s and MB/s. */
    private static double[] producerPerformance(String bootstrap) throws Exception {
        List<String> command = List.of(javaBinary(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", "bench.producer-performance",
                "--num-records", "3000000", "--record-size", "300", "--throughput", "-1",
                "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all", "batch.size=65536", "linger.ms=5");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.contains("records sent")) {
                    last = line;
                }
            }
        }
        process.waitFor(5, TimeUnit.MINUTES);
        Matcher m = Pattern.compile("records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\)").matcher(String.valueOf(last));
        if (!m.find()) {
            throw new IllegalStateException("ProducerPerformance printed no summary: " + last);
        }
        System.out.println("ProducerPerformance: " + last);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static void report(Result single, Result batched, double[] producerPerformance) {
        System.out.printf("%nIngest benchmark (%d cores; broker, service and clients share them; %d s per case after %d s warm-up)%n",
                Runtime.getRuntime().availableProcessors(), MEASURE.toSeconds(), WARM_UP.toSeconds());
        System.out.printf("%-24s %14s %10s %10s %16s %22s%n", "case", "events/s", "p50 ms", "p99 ms", "peak heap MB",
                "service CPU ms/1k ev");
        for (Result r : Arrays.asList(single, batched)) {
            if (r != null) {
                System.out.printf("%-24s %14.0f %10.2f %10.2f %16.1f %22.1f%n", r.name(), r.eventsPerSecond(),
                        r.percentileMs(0.50), r.percentileMs(0.99), r.peakHeapMb(), r.cpuMsPerThousand());
            }
        }
        if (batched != null) {
            System.out.printf("%-24s %14.0f records/s (%.1f MB/s)%n", "ProducerPerformance", producerPerformance[0],
                    producerPerformance[1]);
            System.out.printf("batched ingest / ProducerPerformance = %.0f %% (target >= 50 %%)%n",
                    100 * batched.eventsPerSecond() / producerPerformance[0]);
        }
        if (single != null) {
            System.out.printf("single-event requests: %.0f events/s (target >= 15,000)%n", single.eventsPerSecond());
        }
        double peak = Arrays.asList(single, batched).stream().filter(r -> r != null).mapToDouble(Result::peakHeapMb).max().orElse(0);
        System.out.printf("service heap limit -Xmx256m; peak used %.1f MB (target < 256 MB)%n", peak);
    }

    /** The service's own account of where time went: publish (Kafka) against whole request, so far. */
    private static void printServiceSide(int metricsPort, String name) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        System.out.printf("after %s: service-side mean publish %.2f ms, mean request %.2f ms%n", name,
                mean(text, "ingest_publish_latency_seconds", "outcome=\"acked\""),
                mean(text, "vertx_http_server_response_time_seconds", "code=\"202\""));
    }

    private static double mean(String metrics, String name, String label) {
        double sum = 0;
        double count = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "_sum{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith(name + "_count{") && line.contains(label)) {
                count += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return count == 0 ? Double.NaN : 1000 * sum / count;
    }

    private static void awaitReady(int metricsPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the ingest service did not become ready");
    }


    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
