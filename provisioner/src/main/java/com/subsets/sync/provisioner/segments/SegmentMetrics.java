package com.subsets.sync.provisioner.segments;

import com.subsets.sync.model.SegmentMembership;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What segment reads expose: segments followed, members, changes, read duration, completed and failed reads. */
public final class SegmentMetrics {

    private final MeterRegistry registry;
    private final Map<String, Integer> followed = new ConcurrentHashMap<>();
    private final Map<String, Long> members = new ConcurrentHashMap<>();
    private final Timer duration;
    private final Counter unmatched;

    public SegmentMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("segments.followed", followed, m -> m.values().stream().mapToInt(Integer::intValue).sum())
                .description("BlueConic segments followed, over every tenant").register(registry);
        Gauge.builder("segment.members", members, m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("Members of the followed segments as of their last complete reads").register(registry);
        duration = Timer.builder("segment.read.duration").description("How long a tenant's segment read took")
                .publishPercentileHistogram().register(registry);
        unmatched = Counter.builder("segment.profiles.unmatched")
                .description("Segment members without the tenant's matching property (no subscriber to name)").register(registry);
        for (SegmentMembership.Change change : SegmentMembership.Change.values()) {
            changeCounter(change);
        }
        // The series the alert reads exist from the start, at zero.
        Counter.builder("segment.read.failures").description("Segment reads that failed, by tenant and reason")
                .tag("tenant", "none").tag("reason", "none").register(registry);
        Counter.builder("segment.reads.completed").description("Segments read to their last page, by tenant")
                .tag("tenant", "none").register(registry);
    }

    private Counter changeCounter(SegmentMembership.Change change) {
        return Counter.builder("segment.changes").description("Membership changes published, entered or exited")
                .tag("change", change.wireName()).register(registry);
    }

    void changes(SegmentMembership.Change change, int count) {
        changeCounter(change).increment(count);
    }

    void failed(String tenantId, String reason) {
        Counter.builder("segment.read.failures").description("Segment reads that failed, by tenant and reason")
                .tag("tenant", tenantId).tag("reason", reason).register(registry).increment();
    }

    void completed(String tenantId, String segmentId, long memberCount) {
        Counter.builder("segment.reads.completed").description("Segments read to their last page, by tenant")
                .tag("tenant", tenantId).register(registry).increment();
        members.put(tenantId + "/" + segmentId, memberCount);
    }

    void followed(String tenantId, int count) {
        followed.put(tenantId, count);
    }

    void readDuration(long nanos) {
        duration.record(Duration.ofNanos(nanos));
    }

    void unmatched(int count) {
        unmatched.increment(count);
    }
}
