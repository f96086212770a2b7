package com.subsets.sync.state.stream;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.state.core.ErasedIdentifiers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The erased identifiers of a task's tenants, in their own RocksDB store (changelogged, so a restore or another
 * replica remembers them too): key the identifier's salted hash ({@link ErasedIdentifiers}), value the time of the
 * newest erasure that named it and the wall-clock time it was recorded, 20 bytes ({@code erasedAt} epoch second and
 * nano, {@code recordedAt} epoch milli). Entries recorded longer ago than the configured memory are deleted by
 * {@link #expire}.
 */
final class ErasureMemory {

    private final KeyValueStore<String, byte[]> store;
    private final ErasedIdentifiers identifiers;
    private final Duration memory;

    ErasureMemory(KeyValueStore<String, byte[]> store, ErasedIdentifiers identifiers, Duration memory) {
        this.store = store;
        this.identifiers = identifiers;
        this.memory = memory;
    }

    /** True when the event names an identifier erased at or after its time: it must not apply. */
    boolean overtakes(AssignmentEvent event) {
        return identifiers.overtaken(event, hash -> {
            byte[] value = store.get(hash);
            return value == null ? null : erasedAt(value);
        });
    }

    /**
     * Remembers each identifier of the erasure, keeping the newest erasure's time of each, recorded {@code now}. Reads
     * every entry before writing any: an entry that cannot be read throws with nothing written.
     */
    void remember(Erasure erasure, Instant now) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String hash : identifiers.hashesOf(erasure.tenantId(), erasure.subscriber())) {
            byte[] stored = store.get(hash);
            Instant erasedAt = stored == null || erasure.erasedAt().isAfter(erasedAt(stored)) ? erasure.erasedAt() : erasedAt(stored);
            entries.put(hash, encode(erasedAt, now));
        }
        entries.forEach(store::put);
    }

    /** Deletes the entries recorded {@code memory} or longer before {@code now}; answers how many. */
    int expire(Instant now) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                if (ErasedIdentifiers.expired(recordedAt(entry.value), now, memory)) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(store::delete);
        return expired.size();
    }

    static byte[] encode(Instant erasedAt, Instant recordedAt) {
        return ByteBuffer.allocate(20).putLong(erasedAt.getEpochSecond()).putInt(erasedAt.getNano())
                .putLong(recordedAt.toEpochMilli()).array();
    }

    static Instant erasedAt(byte[] value) {
        ByteBuffer buffer = ByteBuffer.wrap(check(value));
        return Instant.ofEpochSecond(buffer.getLong(), buffer.getInt());
    }

    static Instant recordedAt(byte[] value) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(check(value)).getLong(12));
    }

    private static byte[] check(byte[] value) {
        if (value.length != 20) {
            throw new IllegalArgumentException("not an erased-identifier entry: " + value.length + " bytes, 20 expected");
        }
        return value;
    }
}
