package com.subsets.sync.state.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The setter on real RocksDB options and databases, as Kafka Streams' RocksDBStore hands them over. */
class BoundedRocksDbMemoryTest {

    private static final long BYTES = 32L << 20;

    @Test
    void everyStoreSharesOneCacheThatAlsoCountsTheMemtables(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RocksDB.loadLibrary();
        Map<String, Object> configs = Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, String.valueOf(BYTES));
        BoundedRocksDbMemory setter = new BoundedRocksDbMemory();
        try (Options states = storeOptions(); Options links = storeOptions()) {
            setter.setConfig("states", states, configs);
            setter.setConfig("links", links, configs);

            BlockBasedTableConfigWithAccessibleCache statesTable = (BlockBasedTableConfigWithAccessibleCache) states.tableFormatConfig();
            BlockBasedTableConfigWithAccessibleCache linksTable = (BlockBasedTableConfigWithAccessibleCache) links.tableFormatConfig();
            BoundedRocksDbMemory.Shared shared = BoundedRocksDbMemory.shared(BYTES);
            assertThat(statesTable.blockCache()).isSameAs(shared.cache()).isSameAs(linksTable.blockCache());
            assertThat(states.writeBufferManager()).isSameAs(shared.writeBufferManager()).isSameAs(links.writeBufferManager());
            assertThat(statesTable.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(statesTable.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();

            long before = shared.cache().getUsage();
            try (RocksDB a = RocksDB.open(states, Files.createDirectory(dir.resolve("states")).toString());
                 RocksDB b = RocksDB.open(links, Files.createDirectory(dir.resolve("links")).toString())) {
                byte[] value = new byte[1024];
                for (int i = 0; i < 2_000; i++) {
                    a.put(("s" + i).getBytes(StandardCharsets.UTF_8), value);
                    b.put(("l" + i).getBytes(StandardCharsets.UTF_8), value);
                }
                // Nothing was read: what the cache holds now is the two stores' memtables, charged by the one manager.
                assertThat(shared.cache().getUsage()).as("memtables counted in the shared cache").isGreaterThan(before + 2_000 * 1024);
                assertThat(shared.cache().getUsage()).isLessThanOrEqualTo(BYTES);
            }
            setter.close("states", states);
            setter.close("links", links);
            assertThat(shared.cache().isOwningHandle()).as("a store closing leaves the shared cache open").isTrue();
        }
    }

    /** What RocksDBStore passes to the setter: its options with Streams' own table config. */
    private static Options storeOptions() {
        Options options = new Options().setCreateIfMissing(true);
        options.setTableFormatConfig(new BlockBasedTableConfigWithAccessibleCache());
        return options;
    }
}
