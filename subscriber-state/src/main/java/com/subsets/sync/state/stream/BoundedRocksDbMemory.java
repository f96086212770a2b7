package com.subsets.sync.state.stream;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds RocksDB's memory over every store of the process (Kafka Streams' {@code rocksdb.config.setter}): one
 * {@link LRUCache} holds the blocks read, the index and filter blocks and, through one {@link WriteBufferManager}
 * charging the cache, the memtables of every store, so however many partitions (three stores each) a replica owns, RocksDB
 * holds about {@link #MEMORY_CONFIG} bytes. Without it each store got Kafka Streams' defaults: a 50 MB cache and up to
 * 3 x 16 MB memtables, about 100 MB per store.
 *
 * <p>The cache and the manager are created once, by the first store opened, with the size configured then, and live as
 * long as the process: every store shares them, so a store closing closes neither. Nothing is created per store.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    /** The Streams property with the bytes every store shares (cache, index and filter blocks, memtables). */
    public static final String MEMORY_CONFIG = "subsets.state.rocksdb.memory.bytes";

    /** The part of it memtables may take; flushed (largest first) beyond. */
    static final double WRITE_BUFFER_RATIO = 0.5;

    /** The part of the cache kept for index and filter blocks, so data blocks do not evict them. */
    static final double HIGH_PRIORITY_RATIO = 0.1;

    private static Shared shared;

    /** The cache and the write-buffer manager of the process. */
    record Shared(long bytes, Cache cache, WriteBufferManager writeBufferManager) {
    }

    static synchronized Shared shared(long bytes) {
        if (shared == null) {
            Cache cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_RATIO);
            shared = new Shared(bytes, cache, new WriteBufferManager((long) (bytes * WRITE_BUFFER_RATIO), cache));
        }
        return shared;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared memory = shared(bytes(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(memory.cache());
        // Index and filter blocks in the cache (counted in the bound), first to stay, the top level pinned.
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(memory.writeBufferManager());
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write-buffer manager are every store's: they stay open for the others.
    }

    static long bytes(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_CONFIG);
        if (value == null) {
            throw new IllegalStateException(MEMORY_CONFIG + " is not set");
        }
        return Long.parseLong(value.toString().trim());
    }
}
