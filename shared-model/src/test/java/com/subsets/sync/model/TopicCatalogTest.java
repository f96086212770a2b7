package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void declaresEveryTopicTheSystemReadsOrWritesOnce() {
        assertThat(TopicCatalog.all()).extracting(TopicCatalog.Topic::name).doesNotHaveDuplicates().containsExactlyInAnyOrder(
                Topics.ASSIGNMENT_EVENTS, Topics.SUBSCRIBER_STATE, Topics.deadLetter("iterable"), Topics.deadLetter("blueconic"),
                Topics.deadLetter("subscriber-state"), Topics.DELIVERY_REPORTS, Topics.SEGMENT_MEMBERSHIPS,
                Topics.SUBSCRIBER_DELIVERIES, Topics.ERASURES);
        assertThat(TopicCatalog.SUBSCRIBER_DELIVERIES.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", "604800000");
    }

    @Test
    void theStateTopicIsCompactedAndPartitionedAsTheEvents() {
        assertThat(TopicCatalog.SUBSCRIBER_STATE.partitions()).isEqualTo(TopicCatalog.ASSIGNMENT_EVENTS.partitions());
        assertThat(TopicCatalog.SUBSCRIBER_STATE.configs()).containsEntry("cleanup.policy", "compact").doesNotContainKey("retention.ms")
                .as("an erasure's tombstones readable a week").containsEntry("delete.retention.ms", "604800000")
                .as("an erased subscriber's older states compacted away well within the erasures topic's week")
                .containsEntry("max.compaction.lag.ms", "86400000");
        assertThat(Long.parseLong(TopicCatalog.SUBSCRIBER_STATE.configs().get("max.compaction.lag.ms")))
                .isLessThan(Long.parseLong(TopicCatalog.ERASURES.configs().get("retention.ms")));
        assertThat(TopicCatalog.ERASURES.partitions()).as("a tenant's erasures in the partition of its states")
                .isEqualTo(TopicCatalog.SUBSCRIBER_STATE.partitions());
        assertThat(TopicCatalog.ASSIGNMENT_EVENTS.configs()).as("the broker's default where none is declared")
                .doesNotContainKey("delete.retention.ms").doesNotContainKey("max.compaction.lag.ms");
        assertThat(TopicCatalog.ASSIGNMENT_EVENTS.configs()).containsEntry("cleanup.policy", "delete")
                .containsEntry("retention.ms", "604800000");
        assertThat(TopicCatalog.named(Topics.SEGMENT_MEMBERSHIPS)).contains(TopicCatalog.SEGMENT_MEMBERSHIPS);
        assertThat(TopicCatalog.named("nope")).isEmpty();
        assertThat(List.of(TopicCatalog.ITERABLE_DEAD_LETTERS, TopicCatalog.BLUECONIC_DEAD_LETTERS, TopicCatalog.STATE_DEAD_LETTERS))
                .allSatisfy(t -> assertThat(t.configs()).containsEntry("retention.ms", "2592000000"));
    }
}
