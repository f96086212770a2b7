package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.SourceRecord;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.SubscriberKey;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fresh rows for parked lanes to probe with: a lane parked by an earlier owner (no record of the tenant may come for
 * days), or whose last probe row failed, gets its tenant's newest state record from the state topic, read backwards
 * from the partition's end on a worker thread, skipping the subscribers whose probes failed lately.
 */
final class ProbeRows<C> {

    private static final Logger LOG = LoggerFactory.getLogger(ProbeRows.class);
    /** Records read per step back from the end, and the most steps: a tenant quiet for 20,000 records is not probed from here. */
    private static final int WINDOW = 500;
    private static final int MAX_WINDOWS = 40;
    private static final Duration POLL = Duration.ofMillis(200);

    private final Vertx vertx;
    private final Map<String, Object> readerConfig;
    private final String topic;
    private final DestinationAdapter<C> adapter;

    ProbeRows(Vertx vertx, Map<String, String> consumerConfig, String topic, DestinationAdapter<C> adapter) {
        this.vertx = vertx;
        this.readerConfig = new HashMap<>(consumerConfig);
        this.readerConfig.remove("group.id");
        this.readerConfig.put("client.id", consumerConfig.getOrDefault("client.id", "dispatcher") + "-probe-rows");
        this.readerConfig.put("isolation.level", "read_committed");
        this.readerConfig.put("max.poll.records", String.valueOf(WINDOW));
        this.topic = topic;
        this.adapter = adapter;
    }

    /** Every second: each parked lane without a probe row starts reading one. */
    void follow(Iterable<Lane<C>> lanes) {
        for (Lane<C> lane : lanes) {
            if (lane.parked != null && lane.probeRow == null && !lane.readingProbeRow && lane.partition >= 0) {
                read(lane);
            }
        }
    }

    private void read(Lane<C> lane) {
        lane.readingProbeRow = true;
        String tenant = lane.id;
        int partition = lane.partition;
        Set<String> excluded = Set.copyOf(lane.failedProbeKeys);
        C destination = lane.config.destination();
        vertx.<Optional<SubscriberUpdate>>executeBlocking(() -> newest(tenant, partition, excluded, destination), false)
                .onComplete(found -> {
                    lane.readingProbeRow = false;
                    if (found.failed()) {
                        LOG.warn("lane {}: no probe row read from the state topic: {}", tenant, found.cause().toString());
                    } else if (lane.parked != null && lane.probeRow == null) {
                        found.result().ifPresent(row -> lane.probeRow = row);
                    }
                });
    }

    /** The tenant's newest state that this destination can address, not one of {@code excluded}; on a worker thread. */
    private Optional<SubscriberUpdate> newest(String tenant, int partition, Set<String> excluded, C destination) {
        String prefix = SubscriberKey.prefixOf(tenant);
        EventCodec codec = new EventCodec();
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerConfig,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            long begin = consumer.beginningOffsets(List.of(tp)).get(tp);
            long high = consumer.endOffsets(List.of(tp)).get(tp);
            // Keys whose newer record was seen already (read backwards): their older records are not current.
            Set<String> newerSeen = new HashSet<>();
            for (int window = 0; window < MAX_WINDOWS && high > begin; window++) {
                long low = Math.max(begin, high - WINDOW);
                consumer.seek(tp, low);
                // Each key's last record in the window (a tombstone included): only that one is its current state.
                Map<String, ConsumerRecord<String, byte[]>> lastByKey = new HashMap<>();
                while (consumer.position(tp) < high) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                        if (record.offset() < high && record.key() != null && record.key().startsWith(prefix)
                                && !newerSeen.contains(record.key())) {
                            lastByKey.put(record.key(), record);
                        }
                    }
                }
                List<ConsumerRecord<String, byte[]>> newestFirst = new java.util.ArrayList<>(lastByKey.values());
                newestFirst.sort((a, b) -> Long.compare(b.offset(), a.offset()));
                for (ConsumerRecord<String, byte[]> record : newestFirst) {
                    SubscriberUpdate row = record.value() == null ? null : row(codec, record, destination, excluded);
                    if (row != null) {
                        return Optional.of(row);
                    }
                }
                Set<String> keysHere = lastByKey.keySet();
                newerSeen.addAll(keysHere);
                high = low;
            }
            return Optional.empty();
        }
    }

    private SubscriberUpdate row(EventCodec codec, ConsumerRecord<String, byte[]> record, C destination, Set<String> excluded) {
        InputFormat.Decoded decoded = InputFormat.STATE.decode(codec, record.value());
        if (decoded.incoming() == null) {
            return null;
        }
        Optional<String> key = adapter.subscriberKey(decoded.incoming().subscriber(), destination);
        if (key.isEmpty() || excluded.contains(key.get())) {
            return null;
        }
        SubscriberUpdate row = new SubscriberUpdate(key.get());
        decoded.incoming().mergeInto(row, new SourceRecord(record.topic(), record.partition(), record.offset(),
                record.key().getBytes(StandardCharsets.UTF_8), record.value(), Map.of()));
        return row.withoutSources();
    }
}
