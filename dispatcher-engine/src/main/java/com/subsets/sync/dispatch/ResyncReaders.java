package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.ErasedIdentities;
import com.subsets.sync.dispatch.core.ResyncQueue;
import io.vertx.core.Context;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The partition readers of this replica's resyncs, one per partition read now (at most {@code *_RESYNC_MAX_READERS},
 * as {@link ResyncQueue} plans): each one's state, and the resyncs of the pass it reads.
 */
final class ResyncReaders {

    /** A partition's reader, whether it is reading a pass, and the resyncs of that pass. */
    static final class Slot {
        final int partition;
        PartitionReader reader;
        ResyncQueue.Reader state = ResyncQueue.Reader.READING;
        List<PartitionReader.Member> pass = List.of();
        /** The erasures of the pass's tenants, as read when it started: what its records must not undo. */
        ErasedIdentities erased = ErasedIdentities.NONE;

        Slot(int partition) {
            this.partition = partition;
        }
    }

    private final EngineConfig config;
    private final Map<String, String> consumerConfig;
    private final ResyncRows rows;
    private final Context context;
    private final Map<Integer, Slot> slots = new HashMap<>();

    ResyncReaders(EngineConfig config, Map<String, String> consumerConfig, ResyncRows rows, Context context) {
        this.config = config;
        this.consumerConfig = consumerConfig;
        this.rows = rows;
        this.context = context;
    }

    Map<Integer, ResyncQueue.Reader> states() {
        Map<Integer, ResyncQueue.Reader> states = new HashMap<>();
        slots.forEach((partition, slot) -> states.put(partition, slot.state));
        return states;
    }

    /** The partition's reader (started if there is none) reads its next pass for these resyncs. */
    void pass(int partition, List<PartitionReader.Member> members, BiFunction<Integer, Slot, PartitionReader.Sink> sinks) {
        Slot slot = slots.get(partition);
        if (slot == null) {
            slot = new Slot(partition);
            // A poll is taken whole: a twentieth of the record bound keeps the resyncs' overshoot of their half small.
            int maxPoll = Math.max(100, Math.min(2_000, config.maxBufferedRecords() / 20));
            slot.reader = new PartitionReader(consumerConfig, config.topic(), config.erasuresTopic(), partition, maxPoll, rows, context,
                    sinks.apply(partition, slot));
            slots.put(partition, slot);
            slot.reader.start();
        }
        slot.state = ResyncQueue.Reader.READING;
        slot.pass = members;
        slot.erased = ErasedIdentities.NONE;
        slot.reader.nextPass(members);
    }

    /** Whether this slot is still its partition's (a stopped reader's last words are ignored). */
    boolean current(Slot slot) {
        return slots.get(slot.partition) == slot;
    }

    void passEnded(Slot slot) {
        if (current(slot)) {
            slot.state = ResyncQueue.Reader.BETWEEN_PASSES;
            slot.pass = List.of();
            slot.erased = ErasedIdentities.NONE;
        }
    }

    /** The reader ended on an error: its thread is gone. */
    void failed(Slot slot) {
        if (current(slot)) {
            slots.remove(slot.partition);
        }
    }

    /** A reader between passes with nothing to read ends. */
    void finish(int partition) {
        Slot slot = slots.remove(partition);
        if (slot != null) {
            slot.reader.finish();
        }
    }

    /** The resync stopped: its partition's reader reads nothing more for it. */
    void drop(int partition, long resyncId) {
        Slot slot = slots.get(partition);
        if (slot != null) {
            slot.reader.drop(resyncId);
        }
    }

    void stop(Collection<Integer> partitions) {
        partitions.forEach(partition -> {
            Slot slot = slots.remove(partition);
            if (slot != null) {
                slot.reader.stop();
            }
        });
    }

    void stopAll() {
        stop(List.copyOf(slots.keySet()));
    }

    int size() {
        return slots.size();
    }
}
