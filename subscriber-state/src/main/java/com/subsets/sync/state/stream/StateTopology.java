package com.subsets.sync.state.stream;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Events in, each subscriber's state in a RocksDB store and the links between its identifiers in another (each
 * restored from its changelog topic), every real change out to the compacted state topic, keyed by tenant and
 * subscriber and partitioned by tenant (tombstones too); records that are not valid events out to the dead-letter
 * topic; each erasure out to the erasures topic (key the tenant, partitioned as the state), its subscriber's tombstones
 * to the state topic, its identifiers' salted hashes into a third store. No repartition: the events are keyed by tenant, so a tenant's events, and so every identifier of each of
 * its subscribers, reach the task that holds their state and links.
 */
public final class StateTopology {

    public static final String STORE = "subscriber-state";
    /** Per tenant, userId to e-mail and e-mail to userId, with the event that linked them. */
    public static final String LINKS_STORE = "subscriber-links";
    /** The salted hashes of erased identifiers, with the erasure's time and when it was recorded ({@link ErasureMemory}). */
    public static final String ERASED_STORE = "erased-identifiers";
    static final String STATE_SINK = "state";
    static final String DEAD_LETTER_SINK = "dead-letters";
    static final String ERASURES_SINK = "erasures";

    private StateTopology() {
    }

    /**
     * @param maxRecordBytes the producer's max.request.size: a larger dead letter is written truncated
     * @param erasure the salt of the erased identifiers' hashes and how long they are remembered
     */
    public static Topology build(String eventsTopic, String stateTopic, String deadLetterTopic, String erasuresTopic,
                                 ErasureSettings erasure, StateMetrics metrics, int maxRecordBytes) {
        Topology topology = new Topology();
        topology.addSource("events", new StringDeserializer(), new ByteArrayDeserializer(), eventsTopic);
        topology.addProcessor("apply", () -> new ApplyEvents(metrics, maxRecordBytes, erasure), "events");
        // Not cached: Streams' record cache (a TreeMap of byte keys per task) cost more in key comparisons than the
        // RocksDB reads it saved (a profile of bench/state.sh: its comparator was the hottest frame).
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()), "apply");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LINKS_STORE), Serdes.String(),
                Serdes.ByteArray()), "apply");
        // Changelogged as the others (a restore remembers the erasures); bounded by BoundedRocksDbMemory as every store is.
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ERASED_STORE), Serdes.String(),
                Serdes.ByteArray()), "apply");
        topology.addSink(STATE_SINK, stateTopic, new StringSerializer(), new ByteArraySerializer(), new TenantPartitioner(), "apply");
        topology.addSink(DEAD_LETTER_SINK, deadLetterTopic, new StringSerializer(), new ByteArraySerializer(), "apply");
        topology.addSink(ERASURES_SINK, erasuresTopic, new StringSerializer(), new ByteArraySerializer(), new TenantPartitioner(), "apply");
        return topology;
    }
}
