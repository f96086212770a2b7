package com.subsets.sync.ingest;

import static com.subsets.sync.ingest.IngestTestKit.TOKEN;
import static com.subsets.sync.ingest.IngestTestKit.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.RawHttp;
import com.subsets.sync.infra.RealServices;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a caller without a token, or a slow one, can cost the API port, on a real service and broker: a request is
 * refused from its headers before any of its body is read and its connection closed; a body that does not come
 * is a 408 and a closed connection; an idle connection is closed; connections beyond the limit are closed at once;
 * no cleartext HTTP/2. The closes are awaited with generous bounds; nothing asserts how fast anything is.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnauthenticatedLoadIT {

    private static final int TWO_MIB = 2 * 1024 * 1024;
    private static final int WAIT_MS = 15_000;
    private KafkaService kafka;
    private IngestTestKit kit;

    @BeforeAll
    void start(KafkaService kafka) throws Exception {
        this.kafka = kafka;
        kafka.createTopics(1, "unauthenticated-it.events");
        kit = new IngestTestKit(kafka.bootstrapServers(), "unauthenticated-it.events", Map.of(
                "INGEST_HTTP_BODY_TIMEOUT_MS", "1000",
                "INGEST_HTTP_IDLE_TIMEOUT_MS", "1500"));
    }

    @AfterAll
    void stop() throws Exception {
        kit.close();
    }

    @Test
    void stalledUnauthenticatedRequestsGet401FromTheirHeadersAndAreClosed() throws Exception {
        long heapBefore = usedHeap();
        List<RawHttp> stalled = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, String> headers = new LinkedHashMap<>(Map.of(
                    "Content-Type", "application/json", "Content-Length", String.valueOf(TWO_MIB)));
            if (i % 2 == 1) {
                headers.put("Authorization", "Bearer not-the-token");
            }
            // Headers only: not one byte of the 2 MiB body is ever sent.
            stalled.add(new RawHttp(kit.service.port(), WAIT_MS).write(RawHttp.head("POST", "/v1/events", headers)));
        }
        long heapWhileOpen = usedHeap();
        for (RawHttp socket : stalled) {
            RawHttp.Answer answer = socket.readAnswerThenClose();
            assertThat(answer.status()).as("answered from the headers, without the body").isEqualTo(401);
            assertThat(answer.header("www-authenticate")).isEqualTo("Bearer");
            assertThat(answer.header("connection")).isEqualTo("close");
            assertThat(answer.body()).contains("\"code\":\"unauthorized\"");
            assertThat(answer.closed()).as("the server closed the connection").isTrue();
            socket.close();
        }
        await("every refused connection closed", () -> kit.service.openConnections() == 0);
        System.out.printf("[bench-ish] 40 stalled unauthenticated 2 MiB requests: service JVM heap used %.1f MB before, "
                + "%.1f MB with them open, %.1f MB after (it was 92 MB more, for good, when the body was read first)%n",
                heapBefore / 1e6, heapWhileOpen / 1e6, usedHeap() / 1e6);
    }

    @Test
    void aSlowUnauthenticatedBodyIsCutOffNotRead() throws Exception {
        try (RawHttp slow = new RawHttp(kit.service.port(), WAIT_MS)) {
            slow.write(RawHttp.head("POST", "/v1/events", Map.of("Content-Type", "application/json",
                    "Content-Length", String.valueOf(TWO_MIB))));
            AtomicInteger sent = new AtomicInteger();
            Thread writer = new Thread(() -> {
                byte[] kib = new byte[1024];
                while (sent.get() < TWO_MIB && slow.tryWrite(kib)) {
                    sent.addAndGet(kib.length);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            writer.start();
            RawHttp.Answer answer = slow.readAnswerThenClose();
            writer.join(60_000);

            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.closed()).isTrue();
            assertThat(writer.isAlive()).as("the caller's writes fail: the connection is gone").isFalse();
            assertThat(sent.get()).as("bytes the caller got to send before the close").isLessThan(TWO_MIB);
        }
    }

    @Test
    void anAuthenticatedBodyThatDoesNotComeIs408AndClosed() throws Exception {
        long before = kit.recordCount();
        try (RawHttp stalled = new RawHttp(kit.service.port(), WAIT_MS)) {
            stalled.write(RawHttp.head("POST", "/v1/events", Map.of("Authorization", "Bearer " + TOKEN,
                    "Content-Type", "application/json", "Content-Length", String.valueOf(TWO_MIB))) + "[{\"eventId\":");
            RawHttp.Answer answer = stalled.readAnswerThenClose();

            assertThat(answer.status()).isEqualTo(408);
            assertThat(answer.body()).contains("\"code\":\"request_timeout\"");
            assertThat(answer.closed()).isTrue();
        }
        assertThat(kit.recordCount()).isEqualTo(before);
    }

    @Test
    void idleConnectionsAreClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp silent = new RawHttp(kit.service.port(), WAIT_MS)) {
            assertThat(silent.closedByServer()).as("a connection that never sends anything").isTrue();
        }
        String body = event("idle-1", "acme", "u-idle", 0.2);
        try (RawHttp keptAlive = new RawHttp(kit.service.port(), WAIT_MS)) {
            keptAlive.write(RawHttp.head("POST", "/v1/events", Map.of("Authorization", "Bearer " + TOKEN,
                    "Content-Type", "application/json", "Content-Length", String.valueOf(body.length()))) + body);
            RawHttp.Answer answer = keptAlive.readAnswerThenClose();
            assertThat(answer.status()).isEqualTo(202);
            assertThat(answer.header("connection")).isNull();
            assertThat(answer.closed()).as("a kept-alive connection left idle after its answer").isTrue();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnce() throws Exception {
        try (IngestTestKit limited = new IngestTestKit(kafka.bootstrapServers(), "unauthenticated-it.events",
                Map.of("INGEST_HTTP_MAX_CONNECTIONS", "4"))) {
            List<RawHttp> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(new RawHttp(limited.service.port(), WAIT_MS));
            }
            await("four connections held", () -> limited.service.openConnections() == 4);
            try (RawHttp fifth = new RawHttp(limited.service.port(), WAIT_MS)) {
                assertThat(fifth.closedByServer()).as("the fifth connection").isTrue();
            }
            assertThat(limited.ops("/metrics").bodyAsString())
                    .contains("http_server_connections_refused_total{server=\"api\",service=\"ingest-service\"} 1.0");

            held.remove(0).close();
            await("a held connection let go", () -> limited.service.openConnections() == 3);
            try (RawHttp next = new RawHttp(limited.service.port(), 3_000)) {
                next.write(RawHttp.head("GET", "/v1/events", Map.of()));
                assertThat(next.readAnswerThenClose().status()).as("served again below the limit").isEqualTo(405);
            }
            for (RawHttp socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void cleartextHttp2IsOff() throws Exception {
        try (RawHttp upgrade = new RawHttp(kit.service.port(), WAIT_MS)) {
            upgrade.write(RawHttp.head("GET", "/v1/events", Map.of("Connection", "Upgrade, HTTP2-Settings",
                    "Upgrade", "h2c", "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA")));
            assertThat(upgrade.readAnswerThenClose().status()).as("no switch to HTTP/2").isEqualTo(405);
        }
    }

    private static long usedHeap() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
