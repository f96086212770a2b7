package com.subsets.sync.ingest;

import static com.subsets.sync.ingest.IngestTestKit.event;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.EmbeddedKafka;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away mid-run and comes back: the service answers 503 with Retry-After (never hangs,
 * never crashes, never holds more than its in-flight budget), reports not ready, and accepts again by
 * itself once the broker is back. Every event answered 202 is on the topic afterwards.
 *
 * <p>Its own broker, since stopping the JVM-wide one would disturb other tests.
 */
class BrokerOutageIT {

    private static final Pattern IN_FLIGHT = Pattern.compile("ingest_in_flight_bytes\\{[^}]*} (\\S+)");
    private static final long BUDGET = 256 * 1024;

    @Test
    void failsFastWhileKafkaIsDownAndRecoversByItself() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopics(2, "outage-it.events");
            try (IngestTestKit kit = new IngestTestKit(kafka.bootstrapServers(), "outage-it.events", Map.of(
                    "INGEST_PUBLISH_TIMEOUT_MS", "1500",
                    "INGEST_MAX_BODY_BYTES", String.valueOf(64 * 1024),
                    "INGEST_MAX_IN_FLIGHT_BYTES", String.valueOf(BUDGET),
                    "INGEST_RETRY_AFTER_SECONDS", "2"))) {
                Set<String> acknowledged = new HashSet<>();
                int sequence = 0;

                for (; sequence < 20; sequence++) {
                    HttpResponse<Buffer> r = kit.post(event("before-" + sequence, "acme", "u-" + sequence, 0.1));
                    assertThat(r.statusCode()).isEqualTo(202);
                    acknowledged.add("before-" + sequence);
                }

                kafka.stopBroker();
                List<Integer> statuses = new ArrayList<>();
                double peakInFlight = 0;
                long outageEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
                while (System.nanoTime() < outageEnds) {
                    // Batches of 50 events, 8 at a time, so the in-flight budget is tested too.
                    List<io.vertx.core.Future<HttpResponse<Buffer>>> wave = new ArrayList<>();
                    List<List<String>> waveIds = new ArrayList<>();
                    for (int c = 0; c < 8; c++) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder("[");
                        for (int i = 0; i < 50; i++, sequence++) {
                            ids.add("during-" + sequence);
                            body.append(i == 0 ? "" : ",").append(event("during-" + sequence, "acme", "u-" + i, 0.2));
                        }
                        waveIds.add(ids);
                        wave.add(kit.client.post("/v1/events").putHeader("authorization", "Bearer " + IngestTestKit.TOKEN)
                                .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body.append("]").toString())));
                    }
                    peakInFlight = Math.max(peakInFlight, inFlight(kit));
                    for (int c = 0; c < wave.size(); c++) {
                        HttpResponse<Buffer> r = wave.get(c).await(30, TimeUnit.SECONDS);
                        statuses.add(r.statusCode());
                        if (r.statusCode() == 503) {
                            assertThat(r.getHeader("retry-after")).isEqualTo("2");
                            assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("unavailable");
                        } else if (r.statusCode() == 202) {
                            acknowledged.addAll(waveIds.get(c));
                        }
                    }
                }
                assertThat(statuses).as("Kafka is down: requests fail fast with 503").contains(503)
                        .allSatisfy(s -> assertThat(s).isIn(202, 503));
                assertThat(peakInFlight).as("bytes awaiting Kafka stay within the budget").isLessThanOrEqualTo(BUDGET);
                assertThat(kit.ops("/health/live").statusCode()).isEqualTo(200);
                assertThat(kit.ops("/health/ready").statusCode()).isEqualTo(503);

                kafka.restartBroker();
                int recovered = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (recovered < 10 && System.nanoTime() < deadline) {
                    String id = "after-" + sequence++;
                    if (kit.post(event(id, "acme", "u-a", 0.3)).statusCode() == 202) {
                        acknowledged.add(id);
                        recovered++;
                    } else {
                        Thread.sleep(250);
                    }
                }
                assertThat(recovered).as("202s again once Kafka is back").isEqualTo(10);
                assertThat(kit.ops("/health/ready").statusCode()).isEqualTo(200);

                Set<String> onTopic = new HashSet<>();
                kit.readAll(acknowledged.size()).forEach(r -> onTopic.add(
                        new io.vertx.core.json.JsonObject(new String(r.value(), UTF_8)).getString("eventId")));
                assertThat(onTopic).as("every acknowledged event is on the topic").containsAll(acknowledged);
            }
        }
    }

    private static double inFlight(IngestTestKit kit) throws Exception {
        Matcher m = IN_FLIGHT.matcher(kit.ops("/metrics").bodyAsString());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
