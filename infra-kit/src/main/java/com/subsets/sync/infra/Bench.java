package com.subsets.sync.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Properties;
import java.time.Duration;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the dispatcher benchmarks share: a paced load, a producer, a steady rate, percentiles, ports (waiting: {@link Await}). */
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

    /** Deliveries counted between two marks, and the seconds they took. */
    public record Rate(long deliveries, double seconds) {
        public double perSecond() {
            return deliveries / seconds;
        }
    }

    /**
     * The delivery rate once {@code warmUp} deliveries are done, until {@code total} are: the first
     * ones pay for JIT compilation, connections and buffers filling, which three JVMs on two cores
     * take tens of seconds to get through and steady production would not pay again.
     */
    public static Rate steadyRate(LongSupplier delivered, long warmUp, long total, Duration timeout)
            throws InterruptedException {
        Await.until("the first " + warmUp + " deliveries", timeout, () -> delivered.getAsLong() >= warmUp);
        long from = delivered.getAsLong();
        long begin = System.nanoTime();
        Await.until(total + " deliveries", timeout, () -> delivered.getAsLong() >= total);
        return new Rate(delivered.getAsLong() - from, (System.nanoTime() - begin) / 1e9);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
