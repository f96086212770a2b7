package com.subsets.sync.ingest;

import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the ingest integration tests share: a service on a real broker, an HTTP client, a topic reader. */
final class IngestTestKit implements AutoCloseable {

    static final String TOKEN = "integration-test-token";

    final IngestService service;
    final Vertx clientVertx = Vertx.vertx();
    final WebClient client;
    /** On the operations port: {@code /health/*}, {@code /metrics}. */
    final WebClient operations;
    final String topic;
    private final String bootstrapServers;

    IngestTestKit(String bootstrapServers, String topic, Map<String, String> overrides) throws Exception {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        Map<String, String> env = new HashMap<>(Map.of(
                "INGEST_HTTP_HOST", "127.0.0.1",
                "INGEST_HTTP_PORT", "0",
                "INGEST_METRICS_PORT", "0",
                "INGEST_INSTANCES", "2",
                "INGEST_TOKEN_SHA256", TokenAuthenticator.sha256Hex(TOKEN),
                "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "INGEST_TOPIC", topic));
        env.putAll(overrides);
        service = IngestService.start(IngestConfig.fromEnv(new EnvReader(env::get), env.keySet())).await(60, TimeUnit.SECONDS);
        client = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(service.port()), new PoolOptions().setHttp1MaxSize(32));
        operations = WebClient.create(clientVertx, new WebClientOptions().setDefaultHost("127.0.0.1")
                .setDefaultPort(service.metricsPort()));
    }

    /** GET {@code path} on the operations port. */
    HttpResponse<Buffer> ops(String path) throws Exception {
        return operations.get(path).timeout(30_000).send().await(60, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> post(String body) throws Exception {
        return send(HttpMethod.POST, "/v1/events", Map.of("authorization", "Bearer " + TOKEN,
                "content-type", "application/json"), body);
    }

    HttpResponse<Buffer> post(byte[] body) throws Exception {
        var request = client.request(HttpMethod.POST, "/v1/events").timeout(30_000)
                .putHeader("authorization", "Bearer " + TOKEN).putHeader("content-type", "application/json");
        return request.sendBuffer(Buffer.buffer(body)).await(60, TimeUnit.SECONDS);
    }

    HttpResponse<Buffer> send(HttpMethod method, String path, Map<String, String> headers, String body) throws Exception {
        var request = client.request(method, path).timeout(30_000);
        headers.forEach(request::putHeader);
        return (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await(60, TimeUnit.SECONDS);
    }

    /** Every record on the topic, from the start, once at least {@code expected} are there. */
    List<ConsumerRecord<String, byte[]>> readAll(int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Anything beyond what was expected shows up here too.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        }
        return records;
    }

    /** Records on the topic now, across partitions. */
    long recordCount() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    static String event(String id, String tenant, String userId, double churnRisk) {
        return """
                {"eventId":"%s","type":"churn_risk.scored","tenantId":"%s","occurredAt":"2026-11-22T10:59:00+01:00",
                 "subscriber":{"userId":"%s"},"churnRisk":%s}""".formatted(id, tenant, userId, churnRisk);
    }

    static String assigned(String id, String tenant, String userId) {
        return """
                {"eventId":"%s","type":"experiment.assigned","tenantId":"%s","occurredAt":"2026-11-22T09:59:00Z",
                 "subscriber":{"userId":"%s","email":"%s@example.com"},"experiment":{"id":"exp-42","name":"Winback"},
                 "assignment":"treatment","addedAt":"2026-11-22T09:00:00Z","churnRisk":0.73}""".formatted(id, tenant, userId, userId);
    }

    /** A subscriber.erased event naming the subscriber by {@code userId} and/or {@code email} (null: left out). */
    static String erased(String id, String tenant, String userId, String email) {
        io.vertx.core.json.JsonObject subscriber = new io.vertx.core.json.JsonObject();
        if (userId != null) {
            subscriber.put("userId", userId);
        }
        if (email != null) {
            subscriber.put("email", email);
        }
        return new io.vertx.core.json.JsonObject().put("eventId", id).put("type", "subscriber.erased").put("tenantId", tenant)
                .put("occurredAt", "2026-11-24T09:00:00+01:00").put("subscriber", subscriber).encode();
    }

    @Override
    public void close() throws Exception {
        client.close();
        operations.close();
        clientVertx.close().await(30, TimeUnit.SECONDS);
        service.close().await(60, TimeUnit.SECONDS);
    }
}
