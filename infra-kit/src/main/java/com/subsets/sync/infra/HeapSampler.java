package com.subsets.sync.infra;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For benchmarks: samples a running service's used heap from its own {@code /metrics} (Micrometer's
 * {@code jvm_memory_used_bytes{area="heap"}}, summed over pools) every 250 ms and keeps the peak.
 */
public final class HeapSampler extends Thread {

    private static final Pattern HEAP = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\"[^}]*} (\\S+)");
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;
    private volatile boolean running = true;
    private volatile double peakBytes;

    public HeapSampler(int port) {
        super("heap-sampler");
        setDaemon(true);
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    @Override
    public void run() {
        while (running) {
            try {
                Matcher m = HEAP.matcher(http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                double used = 0;
                while (m.find()) {
                    used += Double.parseDouble(m.group(1));
                }
                peakBytes = Math.max(peakBytes, used);
                Thread.sleep(250);
            } catch (IOException e) {
                // not up yet, or a missed sample
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public void stopSampling() {
        running = false;
        interrupt();
    }

    public double peakMb() {
        return peakBytes / (1024 * 1024);
    }
}
