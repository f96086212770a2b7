package com.subsets.sync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receiver Alertmanager routes to in the test: a webhook on a free loopback port that keeps every alert of every
 * notification (firing or resolved, with its labels and when it arrived).
 */
final class AlertWebhook implements AutoCloseable {

    /** One alert of one notification. */
    record Received(String status, Map<String, String> labels, Instant at) {
        String name() {
            return labels.get("alertname");
        }

        boolean matches(String alertname, Map<String, String> with) {
            return alertname.equals(name()) && labels.entrySet().containsAll(with.entrySet());
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Instant started = Instant.now();

    AlertWebhook() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ObjectMapper json = new ObjectMapper();
        server.createContext("/alerts", exchange -> {
            try (exchange) {
                JsonNode notification = json.readTree(exchange.getRequestBody());
                Instant now = Instant.now();
                synchronized (received) {
                    for (JsonNode alert : notification.path("alerts")) {
                        Map<String, String> labels = new TreeMap<>();
                        alert.path("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
                        Received r = new Received(alert.path("status").asText(), labels, now);
                        received.add(r);
                        System.out.printf("[webhook +%3ds] %-8s %s%n", Duration.between(started, now).toSeconds(), r.status(), labels);
                    }
                    received.notifyAll();
                }
                exchange.sendResponseHeaders(200, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/alerts";
    }

    /** Waits for an alert with this name and these labels in this status received after {@code after}; when it came. */
    Received await(String alertname, Map<String, String> labels, String status, Instant after, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (Received r : received) {
                    if (r.status().equals(status) && r.matches(alertname, labels) && !r.at().isBefore(after)) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + status + " " + alertname + " " + labels + " at the webhook within " + timeout
                            + "; received: " + received);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The first alert with this name and these labels in this status received after {@code after}, if any yet. */
    java.util.Optional<Received> find(String alertname, Map<String, String> labels, String status, Instant after) {
        synchronized (received) {
            return received.stream().filter(r -> r.status().equals(status) && r.matches(alertname, labels) && !r.at().isBefore(after))
                    .findFirst();
        }
    }

    List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
