package com.subsets.sync.state.stream;

import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.state.core.Link;
import com.subsets.sync.state.core.LinkedSubscribers;
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
 * Applies each assignment event to the subscriber it names ({@link LinkedSubscribers}: states and identity links in
 * two stores) and forwards each state it changed, whole, to the state topic, or a tombstone for a state a link
 * superseded. Records that are not valid events go to the dead-letter topic with the reason, with the dispatchers'
 * headers. Stale and repeated events change nothing and are counted.
 */
final class ApplyEvents implements Processor<String, byte[], String, byte[]>, LinkedSubscribers.Stores {

    private final EventCodec codec = new EventCodec();
    private final StateMetrics metrics;
    private final LinkedSubscribers subscribers = new LinkedSubscribers(this);
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> links;

    ApplyEvents(StateMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(StateTopology.STORE);
        this.links = context.getStateStore(StateTopology.LINKS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        DecodeResult decoded = codec.decode(record.value() == null ? new byte[0] : record.value());
        if (!decoded.isValid()) {
            deadLetter(record, decoded.failure().name().toLowerCase(Locale.ROOT), decoded.describe());
            return;
        }
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        LinkedSubscribers.Result result = subscribers.apply(decoded.event(), offset);
        metrics.applied(result.applied());
        metrics.linked(result.link());
        for (LinkedSubscribers.Write write : result.writes()) {
            byte[] value = write.record() == null ? null : StateRecordCodec.encode(write.record());
            if (value == null) {
                states.delete(write.key());
            } else {
                states.put(write.key(), value);
            }
            if (write.send()) {
                context.forward(new Record<>(write.key(), value, record.timestamp()), StateTopology.STATE_SINK);
            }
        }
    }

    @Override
    public StateRecord state(String key) {
        byte[] stored = states.get(key);
        return stored == null ? null : StateRecordCodec.decode(stored);
    }

    @Override
    public Link link(String key) {
        byte[] stored = links.get(key);
        return stored == null ? null : LinkCodec.decode(stored);
    }

    @Override
    public void putLink(String key, Link link) {
        links.put(key, LinkCodec.encode(link));
    }

    @Override
    public void deleteLink(String key) {
        links.delete(key);
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
