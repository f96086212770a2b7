package com.subsets.sync.dispatch.core;

import java.util.Map;

/**
 * A Kafka record as taken, kept until it is resolved: its position (for the commit) and its original
 * key, value and headers (for the dead-letter topic, which carries the original record).
 */
public record SourceRecord(String topic, int partition, long offset, byte[] key, byte[] value,
                           Map<String, byte[]> headers) {
}
