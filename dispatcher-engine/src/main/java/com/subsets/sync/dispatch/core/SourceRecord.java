package com.subsets.sync.dispatch.core;

import java.util.Map;

/**
 * A Kafka record as taken, kept until it is resolved: its position (for the commit, or for a resync's
 * checkpoint), the generation of its partition's assignment when it was taken ({@link Assignments}), and its
 * original key, value and headers (for the dead-letter topic, which carries the original record).
 *
 * @param resync the resync that read it from the state topic, or {@link #LIVE} for a record the consumer took
 */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value,
                           Map<String, byte[]> headers, int generation, long resync) {

    public static final long LIVE = 0;

    public SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Map<String, byte[]> headers,
                        int generation) {
        this(topic, partition, offset, key, value, headers, generation, LIVE);
    }

    /** A record outside any assignment's bookkeeping (pure tests of buffers and adapters). */
    public SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value, Map<String, byte[]> headers) {
        this(topic, partition, offset, key, value, headers, 0, LIVE);
    }

    public boolean live() {
        return resync == LIVE;
    }
}
