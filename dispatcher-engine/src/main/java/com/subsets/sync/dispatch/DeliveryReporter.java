package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.KafkaClientConfig;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.UniqueSubscribers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tallies outcomes per tenant and sends one {@link DeliveryReport} per tenant every interval to the
 * provisioner's history: profiles updated, profiles the destination rejected, records dead-lettered,
 * the last success and the last error in the destination's words, a sketch of the distinct subscribers updated and
 * the last five of them (bounded: a report is a few KB however many rows the window held). A report that cannot be
 * sent is folded back into the next one. The history is for people; the commit never waits for it.
 */
final class DeliveryReporter {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryReporter.class);
    private static final int MAX_MESSAGE_CHARS = 2000;
    /** Where records that are not valid events are counted: one series, however their producers key them. */
    static final String UNKNOWN_TENANT = "unknown";

    private static final class Tally {
        long updated;
        long rejected;
        long deadLettered;
        Instant lastSuccess;
        DeliveryReport.LastError lastError;
        /** Null until a subscriber is updated: a window of failures only sends no sketch. */
        UniqueSubscribers unique;
        List<DeliveryReport.Updated> lastUpdated = List.of();

        /** The hot path (every row delivered): the newest goes first, its subscriber's older entry out. */
        void lastUpdated(DeliveryReport.Updated newest) {
            List<DeliveryReport.Updated> next = new ArrayList<>(DeliveryReport.LAST_UPDATED_MAX);
            next.add(newest);
            for (DeliveryReport.Updated u : lastUpdated) {
                if (next.size() < DeliveryReport.LAST_UPDATED_MAX && !u.sameSubscriber(newest)) {
                    next.add(u);
                }
            }
            lastUpdated = next;
        }

        void add(Tally other) {
            if (other.unique != null) {
                unique = unique == null ? other.unique : unique.add(other.unique);
            }
            lastUpdated = DeliveryReport.newest(lastUpdated, other.lastUpdated);
            updated += other.updated;
            rejected += other.rejected;
            deadLettered += other.deadLettered;
            if (lastSuccess == null || (other.lastSuccess != null && other.lastSuccess.isAfter(lastSuccess))) {
                lastSuccess = other.lastSuccess;
            }
            if (lastError == null || (other.lastError != null && other.lastError.at().isAfter(lastError.at()))) {
                lastError = other.lastError;
            }
        }
    }

    private final String destination;
    private final String topic;
    private final KafkaProducer<String, byte[]> producer;
    private Map<String, Tally> tallies = new HashMap<>();

    DeliveryReporter(Vertx vertx, EngineConfig config, String destination) {
        this.destination = destination;
        this.topic = config.reportsTopic();
        if (topic == null || topic.isBlank()) {
            this.producer = null;
            return;
        }
        Map<String, String> props = KafkaClientConfig.producer(config.bootstrapServers(), config.kafkaProperties(),
                destination + "-dispatcher-reports", KafkaClientConfig.STRING_SERIALIZER, KafkaClientConfig.BYTES_SERIALIZER);
        props.put("max.block.ms", "5000");
        props.put("delivery.timeout.ms", "30000");
        this.producer = KafkaProducer.create(vertx, props);
        this.producer.exceptionHandler(e -> { });
    }

    /** A profile the destination took; {@code subscriber} (null when unknown) is counted among the unique ones. */
    void updated(String tenantId, Subscriber subscriber, long nowMillis) {
        Tally tally = tally(tenantId);
        tally.updated++;
        tally.lastSuccess = Instant.ofEpochMilli(nowMillis);
        if (subscriber != null) {
            tally.unique = (tally.unique == null ? UniqueSubscribers.empty() : tally.unique).add(subscriber);
            tally.lastUpdated(new DeliveryReport.Updated(subscriber.userId(), subscriber.email(), tally.lastSuccess));
        }
    }

    /** The destination refused this profile ({@code outcome} PERMANENT or SKIPPED); only PERMANENT is an error. */
    void rejected(String tenantId, Outcome outcome, long nowMillis) {
        Tally tally = tally(tenantId);
        tally.rejected++;
        if (outcome.kind() == Outcome.Kind.PERMANENT) {
            failed(tenantId, outcome.reason(), outcome.detail(), nowMillis);
        }
    }

    void failed(String tenantId, String reason, String detail, long nowMillis) {
        String text = detail == null ? "" : detail.length() > MAX_MESSAGE_CHARS ? detail.substring(0, MAX_MESSAGE_CHARS) : detail;
        tally(tenantId).lastError = new DeliveryReport.LastError(Instant.ofEpochMilli(nowMillis), reason, text);
    }

    void deadLettered(String tenantId) {
        tally(tenantId).deadLettered++;
    }

    private Tally tally(String tenantId) {
        return tallies.computeIfAbsent(tenantId == null ? UNKNOWN_TENANT : tenantId, t -> new Tally());
    }

    /** Sends what was tallied since the last flush; what fails to send waits for the next one. */
    Future<Void> flush(long nowMillis) {
        if (producer == null || tallies.isEmpty()) {
            tallies.clear();
            return Future.succeededFuture();
        }
        Map<String, Tally> sending = tallies;
        tallies = new HashMap<>();
        List<Future<?>> sends = new ArrayList<>();
        sending.forEach((tenant, tally) -> {
            DeliveryReport report = DeliveryReport.create(tenant, destination, Instant.ofEpochMilli(nowMillis), tally.updated,
                    tally.rejected, tally.deadLettered, tally.lastSuccess, tally.lastError,
                    tally.unique == null ? null : tally.unique.state(), tally.lastUpdated);
            sends.add(producer.send(KafkaProducerRecord.create(topic, tenant, report.encode()))
                    .onFailure(e -> {
                        tallies.computeIfAbsent(tenant, t -> new Tally()).add(tally);
                        LOG.warn("delivery report for tenant {} not sent, kept for the next: {}", tenant, e.toString());
                    }));
        });
        return Future.join(sends).<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    Future<Void> close(long nowMillis) {
        return flush(nowMillis).eventually(() -> producer == null ? Future.succeededFuture() : producer.close());
    }
}
