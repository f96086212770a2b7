package com.subsets.sync.state.stream;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DecodeResult;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventCodec;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.state.core.ErasedIdentifiers;
import com.subsets.sync.state.core.Erasures;
import com.subsets.sync.state.core.Link;
import com.subsets.sync.state.core.LinkedSubscribers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each assignment event to the subscriber it names ({@link LinkedSubscribers}: states and identity links in
 * two stores) and forwards each state it changed, whole, to the state topic, or a tombstone for a state a link
 * superseded. Records that are not valid events go to the dead-letter topic with the reason, with the dispatchers'
 * headers. Stale and repeated events change nothing and are counted.
 *
 * <p>A {@code subscriber.erased} event goes to {@link Erasures}: the subscriber's states and links are deleted, each of
 * its keys tombstoned on the state topic with the {@link Erasure#HEADER} header, the {@link Erasure} written to the
 * erasures topic, and its identifiers remembered ({@link ErasureMemory}), all in the event's transaction. An event
 * naming an identifier erased at or after its time is dropped (counted {@code erased}); the memory is swept of
 * expired entries on a wall-clock punctuator.
 *
 * <p>No record can stop its partition: an event whose application throws (a stored state or link that cannot be read,
 * say) is dead-lettered as {@code processing_failed} with nothing of it kept (its link changes are held until it has
 * applied whole), and a dead letter larger than the producer's {@code max.request.size} is written truncated (no value,
 * none of the original headers, {@code dlq-truncated: true}, {@code dlq-source} naming the original), as the
 * dispatchers do. Either would otherwise fail the transaction, and the record be tried again for ever.
 */
final class ApplyEvents implements Processor<String, byte[], String, byte[]>, LinkedSubscribers.Stores {

    private static final Logger LOG = LoggerFactory.getLogger(ApplyEvents.class);
    static final String PROCESSING_FAILED = "processing_failed";
    /** Room kept below max.request.size for what the size estimate cannot see (the producer's own framing). */
    private static final int MARGIN_BYTES = 512;

    private final EventCodec codec = new EventCodec();
    private final StateMetrics metrics;
    private final int maxRecordBytes;
    private final LinkedSubscribers subscribers = new LinkedSubscribers(this);
    private final Erasures erasures = new Erasures(this);
    private final ErasureSettings erasureSettings;
    private ErasureMemory memory;
    /** Link changes of the event being applied (null: deleted), written to the store once it has applied whole. */
    private final Map<String, Link> pendingLinks = new HashMap<>();
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> links;

    /** @param maxRecordBytes the producer's max.request.size: a dead letter above it is written truncated */
    ApplyEvents(StateMetrics metrics, int maxRecordBytes, ErasureSettings erasureSettings) {
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
        this.erasureSettings = erasureSettings;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(StateTopology.STORE);
        this.links = context.getStateStore(StateTopology.LINKS_STORE);
        this.memory = new ErasureMemory(context.getStateStore(StateTopology.ERASED_STORE), new ErasedIdentifiers(erasureSettings.salt()),
                erasureSettings.memory());
        context.schedule(erasureSettings.sweepInterval(), PunctuationType.WALL_CLOCK_TIME,
                now -> metrics.erasedIdentifiersExpired(memory.expire(Instant.ofEpochMilli(now))));
    }

    @Override
    public void process(Record<String, byte[]> record) {
        DecodeResult decoded = codec.decode(record.value() == null ? new byte[0] : record.value());
        if (!decoded.isValid()) {
            deadLetter(record, decoded.failure().name().toLowerCase(Locale.ROOT), decoded.describe());
            return;
        }
        if (decoded.event().type() == EventType.ERASED) {
            erase(record, decoded.event());
            return;
        }
        long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        LinkedSubscribers.Result result;
        List<byte[]> values = new ArrayList<>();
        pendingLinks.clear();
        try {
            if (memory.overtakes(decoded.event())) {
                // An erasure at or after its time named one of its identifiers: applied, it would bring them back.
                metrics.overtakenByErasure();
                return;
            }
            result = subscribers.apply(decoded.event(), offset);
            for (LinkedSubscribers.Write write : result.writes()) {
                values.add(write.record() == null ? null : StateRecordCodec.encode(write.record()));
            }
        } catch (RuntimeException e) {
            // Deterministic: applied again it would throw again. Nothing of it is kept; the partition goes on.
            pendingLinks.clear();
            LOG.error("event of tenant {} at {} could not be applied, dead-lettered as {}: {}", decoded.event().tenantId(),
                    source(), PROCESSING_FAILED, e.toString());
            deadLetter(record, PROCESSING_FAILED, e.toString());
            return;
        }
        pendingLinks.forEach((key, link) -> {
            if (link == null) {
                links.delete(key);
            } else {
                links.put(key, LinkCodec.encode(link));
            }
        });
        pendingLinks.clear();
        metrics.applied(result.applied());
        metrics.linked(result.link());
        for (int i = 0; i < values.size(); i++) {
            LinkedSubscribers.Write write = result.writes().get(i);
            byte[] value = values.get(i);
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

    /**
     * The erasure: states and links deleted, a tombstone with the erasure's header for each of the subscriber's keys,
     * the erasure on its topic, the identifiers remembered. A failure keeps nothing of it and dead-letters the event.
     */
    private void erase(Record<String, byte[]> record, AssignmentEvent event) {
        Erasures.Result result;
        List<byte[]> rewrites = new ArrayList<>();
        try {
            result = erasures.erase(event);
            for (LinkedSubscribers.Write write : result.rewrites()) {
                rewrites.add(StateRecordCodec.encode(write.record()));
            }
            memory.remember(result.erasure(), Instant.ofEpochMilli(context.currentSystemTimeMs()));
        } catch (RuntimeException e) {
            LOG.error("erasure {} of tenant {} at {} could not be applied, dead-lettered as {}: {}", event.eventId(), event.tenantId(),
                    source(), PROCESSING_FAILED, e.toString());
            deadLetter(record, PROCESSING_FAILED, e.toString());
            return;
        }
        result.deletedLinks().forEach(links::delete);
        for (int i = 0; i < rewrites.size(); i++) {
            String key = result.rewrites().get(i).key();
            states.put(key, rewrites.get(i));
            context.forward(new Record<>(key, rewrites.get(i), record.timestamp()), StateTopology.STATE_SINK);
        }
        byte[] header = result.header();
        for (String key : result.tombstones()) {
            states.delete(key);
            RecordHeaders headers = new RecordHeaders();
            headers.add(Erasure.HEADER, header);
            context.forward(new Record<String, byte[]>(key, null, record.timestamp(), headers), StateTopology.STATE_SINK);
        }
        context.forward(new Record<>(event.tenantId(), header, record.timestamp()), StateTopology.ERASURES_SINK);
        metrics.erased(result.tombstones().size());
        LOG.info("erasure {} of tenant {} applied: {} key(s) tombstoned, {} link(s) deleted", event.eventId(), event.tenantId(),
                result.tombstones().size(), result.deletedLinks().size());
    }

    @Override
    public StateRecord state(String key) {
        byte[] stored = states.get(key);
        return stored == null ? null : StateRecordCodec.decode(stored);
    }

    @Override
    public Link link(String key) {
        if (pendingLinks.containsKey(key)) {
            return pendingLinks.get(key);
        }
        byte[] stored = links.get(key);
        return stored == null ? null : LinkCodec.decode(stored);
    }

    @Override
    public void putLink(String key, Link link) {
        pendingLinks.put(key, link);
    }

    @Override
    public void deleteLink(String key) {
        pendingLinks.put(key, null);
    }

    /**
     * The original key, value and headers with why, where from and when; or, when that would exceed the producer's
     * max.request.size, the truncated form (the original stays on the events topic for its retention).
     */
    private void deadLetter(Record<String, byte[]> record, String reason, String error) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        addDeadLetterHeaders(headers, reason, error, 4096);
        metrics.deadLettered(reason);
        byte[] key = record.key() == null ? null : bytes(record.key());
        if (sizeOf(key, record.value(), headers) <= maxRecordBytes - MARGIN_BYTES) {
            context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), StateTopology.DEAD_LETTER_SINK);
            return;
        }
        RecordHeaders truncated = new RecordHeaders();
        truncated.add("dlq-truncated", bytes("true"));
        addDeadLetterHeaders(truncated, reason, error, 512);
        metrics.deadLetterTruncated(reason);
        LOG.warn("dead letter of {} ({}) is over max.request.size ({} bytes): written truncated, the original stays at its source",
                source(), reason, maxRecordBytes);
        String shortKey = record.key() != null && record.key().length() > 1024 ? record.key().substring(0, 1024) : record.key();
        context.forward(new Record<>(shortKey, new byte[0], record.timestamp(), truncated), StateTopology.DEAD_LETTER_SINK);
    }

    private void addDeadLetterHeaders(Headers headers, String reason, String error, int maxErrorChars) {
        headers.add("dlq-reason", bytes(reason));
        headers.add("dlq-error", bytes(error.length() > maxErrorChars ? error.substring(0, maxErrorChars) : error));
        headers.add("dlq-attempts", bytes("0"));
        headers.add("dlq-first-failure", bytes(Instant.now().toString()));
        headers.add("dlq-source", bytes(source()));
        headers.add("dlq-destination", bytes("subscriber-state"));
    }

    private String source() {
        return context.recordMetadata().map(m -> m.topic() + "/" + m.partition() + "@" + m.offset()).orElse("unknown");
    }

    /** What the producer checks against max.request.size (its own estimate, uncompressed). */
    static int sizeOf(byte[] key, byte[] value, Headers headers) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value,
                headers.toArray());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
