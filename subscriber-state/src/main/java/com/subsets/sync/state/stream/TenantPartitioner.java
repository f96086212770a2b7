package com.subsets.sync.state.stream;

import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.runtime.TenantPartition;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Places a subscriber's state on the partition its tenant's events are on: Kafka's default partitioner on
 * the tenant id (murmur2 of the key's bytes). With as many partitions as the events topic, one dispatcher
 * replica still owns a tenant, its budget and its coalescing.
 */
final class TenantPartitioner implements StreamPartitioner<String, byte[]> {

    @Override
    @SuppressWarnings("deprecation")
    public Integer partition(String topic, String key, byte[] value, int numPartitions) {
        return TenantPartition.of(SubscriberKey.tenantOf(key), numPartitions);
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, String key, byte[] value, int numPartitions) {
        return Optional.of(Set.of(partition(topic, key, value, numPartitions)));
    }
}
