package com.subsets.sync.dispatch.core;

import java.util.Map;

/**
 * A Kafka record as taken, kept until it is resolved: its position (for the commit), the generation of
 * its partition's assignment when it was taken ({@link Assignments}), and its original key, value and
 * headers (for the dead-letter topic, which carries the original record).
 */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value,
                           Map<String, byte[]> headers, int generation) {

    /** A record outside any assignment's bookkeeping (pure tests of buffers and adapters). */
    public SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Map<String, byte[]> headers) {
        this(topic, partition, offset, key, value, headers, 0);
    }
}
