package com.subsets.sync.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the dispatcher benchmarks share: a paced load, a producer, percentiles, ports (waiting: {@link Await}). */
public final class Bench {

    private Bench() {
    }

    /** Calls {@code sendOne} {@code perSecond} times a second, evenly, until {@code untilMillis}. */
    public static void offer(int perSecond, long untilMillis, LongConsumer sendOne) throws InterruptedException {
        long start = System.currentTimeMillis();
        long sent = 0;
        while (System.currentTimeMillis() < untilMillis) {
            long due = (System.currentTimeMillis() - start) * perSecond / 1000;
            for (; sent < due; sent++) {
                sendOne.accept(sent);
            }
            Thread.sleep(5);
        }
    }

    /** acks=all, small linger, 64 KB batches: what a platform service producing straight to Kafka would use. */
    public static KafkaProducer<String, byte[]> producer(KafkaService kafka) {
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("acks", "all");
        props.put("linger.ms", "5");
        props.put("batch.size", "65536");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** The {@code p} quantile of sorted nanoseconds, in milliseconds. */
    public static double percentileMillis(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        return sortedNanos[(int) Math.min(sortedNanos.length - 1, Math.floor(p * sortedNanos.length))] / 1e6;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
