package com.subsets.sync.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.model.TopicCatalog;
import com.subsets.sync.model.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The local stack creates every topic of the catalog on a broker that creates none by itself (issue 26 item 5: the
 * segment memberships topic was missing, so no membership was ever published locally), with its cleanup policy and
 * retention, all with one partition count.
 */
class LocalTopicsIT {

    @Test
    void everyCatalogTopicIsCreatedWithItsSettings() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            LocalStack.createTopics(kafka.bootstrapServers(), Map.of());
            LocalStack.createTopics(kafka.bootstrapServers(), Map.of());

            List<String> names = TopicCatalog.all().stream().map(TopicCatalog.Topic::name).toList();
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(Topics.SEGMENT_MEMBERSHIPS, Topics.SUBSCRIBER_DELIVERIES)
                    .containsAll(names);
            Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(LocalStack.PARTITIONS));
            for (TopicCatalog.Topic topic : TopicCatalog.all()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
                topic.configs().forEach((key, value) -> assertThat(config.get(key).value()).as(topic.name() + " " + key).isEqualTo(value));
            }
        }
    }
}
