package com.subsets.sync.state.stream;

import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.state.core.SubscriberState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies each assignment event to its subscriber's stored state and forwards the whole new state to the
 * state topic when a value changed. Records that are not valid events go to the dead-letter topic with the
 * reason, with the dispatchers' headers. Stale and repeated events change nothing and are counted.
 */
final class ApplyEvents implements Processor<String, byte[], String, byte[]> {

    private final EventCodec codec = new EventCodec();
    private final StateMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    ApplyEvents(StateMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(StateTopology.STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        DecodeResult decoded = codec.decode(record.value() == null ? new byte[0] : record.value());
        if (!decoded.isValid()) {
            deadLetter(record, decoded.failure().name().toLowerCase(Locale.ROOT), decoded.describe());
            return;
        }
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        SubscriberKey key = SubscriberKey.of(decoded.event());
        String storeKey = key.encode();
        byte[] stored = store.get(storeKey);
        SubscriberState state = stored == null ? new SubscriberState() : SubscriberState.of(StateRecordCodec.decode(stored).fields());
        SubscriberState.Applied applied = state.apply(decoded.event(), offset);
        metrics.applied(applied);
        if (applied == SubscriberState.Applied.CHANGED || applied == SubscriberState.Applied.REFRESHED) {
            byte[] value = StateRecordCodec.encode(new StateRecord(key.tenantId(), new Subscriber(key.userId(), key.email()),
                    state.fields()));
            store.put(storeKey, value);
            if (applied == SubscriberState.Applied.CHANGED) {
                context.forward(new Record<>(storeKey, value, record.timestamp()), StateTopology.STATE_SINK);
            }
        }
    }

    private void deadLetter(Record<String, byte[]> record, String reason, String error) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dlq-reason", bytes(reason));
        headers.add("dlq-error", bytes(error.length() > 4096 ? error.substring(0, 4096) : error));
        headers.add("dlq-attempts", bytes("0"));
        headers.add("dlq-first-failure", bytes(Instant.now().toString()));
        context.recordMetadata().ifPresent(m -> headers.add("dlq-source", bytes(m.topic() + "/" + m.partition() + "@" + m.offset())));
        headers.add("dlq-destination", bytes("subscriber-state"));
        metrics.deadLettered(reason);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), StateTopology.DEAD_LETTER_SINK);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
