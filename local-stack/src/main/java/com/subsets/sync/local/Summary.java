package com.subsets.sync.local;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Topics;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the demo shows at the end: what arrived where, what was refused and why, and where everything is. */
final class Summary {

    private Summary() {
    }

    static String delivered(LocalStack stack, Demo demo) throws Exception {
        StringBuilder out = new StringBuilder("\nWhat arrived\n");
        var project = demo.project();
        String sampleUser = Demo.user(2);
        out.append(String.format("  Iterable project %-14s %d user profiles; fields: %s%n", Demo.PROJECT, project.userCount(),
                String.join(", ", new TreeMap<>(project.fields()).keySet())));
        out.append("      e.g. ").append(sampleUser).append(" -> ").append(new TreeMap<>(project.profile(sampleUser))).append('\n');
        var tenant = demo.blueConicTenant();
        long written = 0;
        for (int i = 1; i <= stack.config.demoSubscribers(); i++) {
            Map<String, List<String>> profile = tenant.profileBy("email", Demo.email(i));
            if (profile != null && profile.containsKey(DestinationField.CHURN_RISK.blueConicId())) {
                written++;
            }
        }
        out.append(String.format("  BlueConic tenant %-14s %d profiles carry the subsets properties%n", Demo.BLUECONIC_TENANT, written));
        out.append("      e.g. ").append(Demo.email(2)).append(" -> ").append(new TreeMap<>(tenant.profileBy("email", Demo.email(2))))
                .append('\n');
        for (String kind : List.of("iterable", "blueconic")) {
            JsonObject delivery = demo.history(kind).getJsonObject("delivery");
            JsonObject total = delivery.getJsonObject("total");
            out.append(String.format("  %-9s history (provisioner): %d profile updates, %d rejected, %d dead-lettered%s%n", kind,
                    total.getLong("updated"), total.getLong("rejected"), total.getLong("deadLettered"),
                    delivery.getJsonObject("lastError") == null ? ""
                            : "; last error: " + delivery.getJsonObject("lastError").getString("reason")));
        }
        out.append("\nRefused, and why (from the dead-letter topics)\n");
        for (String kind : List.of("iterable", "blueconic")) {
            Map<String, List<String>> byReason = deadLetters(stack.bootstrapServers, Topics.deadLetter(kind));
            if (byReason.isEmpty()) {
                out.append("  ").append(kind).append(": nothing\n");
            }
            byReason.forEach((reason, errors) -> out.append(String.format("  %-9s %-22s %3d records  e.g. %s%n", kind, reason,
                    errors.size(), abbreviate(errors.get(0)))));
        }
        return out.toString();
    }

    static String endpoints(LocalStack stack) {
        LocalStackConfig c = stack.config;
        StringBuilder out = new StringBuilder("\nWhere everything is\n");
        out.append("  ingest API          POST ").append(c.url(c.ingestPort())).append("/v1/events   (Authorization: Bearer ")
                .append(c.ingestToken()).append(")\n");
        out.append("  provisioner API     ").append(c.url(c.provisionerPort()))
                .append("/v1/tenants/{tenantId}/destinations/{iterable|blueconic}[/provision|/status]   (Authorization: Bearer ")
                .append(c.operatorToken()).append(")\n");
        c.metricsPorts().forEach((service, port) -> {
            String base = c.url(port);
            out.append(String.format("  %-19s %s/health/live  %s/health/ready  %s/metrics%n", service, base, base, base));
        });
        if (stack.iterable != null) {
            out.append("  segment lookup      GET ").append(c.url(c.provisionerPort())).append("/v1/tenants/").append(Demo.TENANT)
                    .append("/subscribers/{email}/segments   (Authorization: Bearer ").append(c.lookupToken()).append(", tenant ")
                    .append(Demo.TENANT).append(" only)\n");
            out.append("  erasure status      GET ").append(c.url(c.provisionerPort())).append("/v1/tenants/").append(Demo.TENANT)
                    .append("/erasures/{eventId of the subscriber.erased event}   (the same token)\n");
            out.append("  Iterable simulator  ").append(c.url(c.iterableSimulatorPort())).append("/_sim/iterable/projects/")
                    .append(Demo.PROJECT).append('\n');
            out.append("  BlueConic simulator ").append(c.url(c.blueConicSimulatorPort())).append("/_sim/blueconic/tenants/")
                    .append(Demo.BLUECONIC_TENANT).append('\n');
        }
        out.append("  Kafka               ").append(stack.bootstrapServers).append("   topic ").append(Topics.ASSIGNMENT_EVENTS).append('\n');
        if (stack.database != null) {
            out.append("  PostgreSQL          ").append(stack.database).append('\n');
        }
        return out.toString();
    }

    /** Every record of a dead-letter topic, grouped by its reason header, with the destination's error texts. */
    static Map<String, List<String>> deadLetters(String bootstrapServers, String topic) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        Map<String, List<String>> byReason = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    byReason.computeIfAbsent(header(record, "dlq-reason"), r -> new ArrayList<>()).add(header(record, "dlq-error"));
                }
            }
        }
        return byReason;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "…";
    }
}
