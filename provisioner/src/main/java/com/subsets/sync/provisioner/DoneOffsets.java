package com.subsets.sync.provisioner;

import io.vertx.core.Future;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import java.util.HashMap;
import java.util.Map;

/**
 * The offsets a consumer is done with (what they carried is written), committed together on its timer; a commit that
 * fails keeps them for the next, unless a newer offset of the partition came meanwhile.
 */
public final class DoneOffsets {

    private final Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();

    public void done(KafkaConsumerRecord<String, byte[]> record) {
        done.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1, null));
    }

    public Future<Void> commit(KafkaConsumer<String, byte[]> consumer) {
        if (done.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(done);
        done.clear();
        return consumer.commit(offsets).<Void>mapEmpty().recover(e -> {
            offsets.forEach(done::putIfAbsent);
            return Future.succeededFuture();
        });
    }
}
