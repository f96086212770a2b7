package com.subsets.sync.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition a tenant's records are on: Kafka's default partitioner applied to the tenant id (murmur2 of its
 * UTF-8 bytes). The subscriber-state service writes by it, and a dispatcher resyncing a tenant reads by it.
 */
public final class TenantPartition {

    private TenantPartition() {
    }

    public static int of(String tenantId, int partitions) {
        return Utils.toPositive(Utils.murmur2(tenantId.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
