package com.subsets.sync.local;

import com.subsets.sync.runtime.EnvReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For the deployment's checks: runs the local stack and its demo on free ports (so every meter has been
 * touched), scrapes each service's {@code /metrics}, and stops everything.
 */
public final class LocalStackProbe {

    private LocalStackProbe() {
    }

    /** Each service's {@code /metrics} text, by service name, after the demo arrived. */
    public static Map<String, String> scrapeAfterDemo() throws Exception {
        Map<String, String> env = Map.of("LOCAL_INGEST_PORT", "0", "LOCAL_ITERABLE_DISPATCHER_PORT", "0",
                "LOCAL_BLUECONIC_DISPATCHER_PORT", "0", "LOCAL_PROVISIONER_PORT", "0", "LOCAL_STATE_PORT", "0", "LOCAL_ITERABLE_SIMULATOR_PORT", "0",
                "LOCAL_INGEST_METRICS_PORT", "0", "LOCAL_PROVISIONER_METRICS_PORT", "0",
                "LOCAL_BLUECONIC_SIMULATOR_PORT", "0", "LOCAL_DEMO_SUBSCRIBERS", "40");
        LocalStackConfig config = LocalStackConfig.fromEnv(new EnvReader(env::get));
        Progress quiet = new Progress(new PrintStream(OutputStream.nullOutputStream()));
        try (LocalStack stack = LocalStack.start(config, quiet)) {
            Demo demo = new Demo(stack, quiet);
            demo.register();
            demo.sendEvents();
            if (!demo.awaitDelivery(Duration.ofSeconds(90)) || !demo.awaitHistory(Duration.ofSeconds(30))) {
                throw new IllegalStateException("the demo did not arrive; metrics would be incomplete");
            }
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Map<String, String> scrapes = new LinkedHashMap<>();
            for (Map.Entry<String, Integer> service : config.metricsPorts().entrySet()) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(config.url(service.getValue()) + "/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                scrapes.put(service.getKey(), response.body());
            }
            return scrapes;
        }
    }
}
