package com.subsets.sync.infra;

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

    /**
     * Deliveries counted between two marks, the seconds they took, and the CPU time the service under
     * test and this JVM (broker, simulators, load) spent meanwhile: on two shared cores, CPU per delivery
     * is the steadier figure when the machine's speed varies from run to run.
     */
    public record Rate(long deliveries, double seconds, Duration serviceCpu, Duration harnessCpu) {
        public double perSecond() {
            return deliveries / seconds;
        }

        /** "service 21.4 µs, harness 19.8 µs of CPU per delivery", or less when a figure is unknown. */
        public String cpuPerDelivery() {
            return String.format("service %s, harness %s of CPU per delivery", micros(serviceCpu), micros(harnessCpu));
        }

        private String micros(Duration cpu) {
            return cpu == null ? "n/a" : String.format("%.1f µs", cpu.toNanos() / 1e3 / deliveries);
        }
    }

    /**
     * The delivery rate once {@code warmUp} deliveries are done, until {@code total} are: the first
     * ones pay for JIT compilation, connections and buffers filling, which three JVMs on two cores
     * take tens of seconds to get through and steady production would not pay again.
     */
    public static Rate steadyRate(LongSupplier delivered, long warmUp, long total, Duration timeout, ProcessHandle service)
            throws InterruptedException {
        Await.until("the first " + warmUp + " deliveries", timeout, () -> delivered.getAsLong() >= warmUp);
        long from = delivered.getAsLong();
        long begin = System.nanoTime();
        Duration serviceFrom = cpu(service);
        Duration harnessFrom = cpu(ProcessHandle.current());
        Await.until(total + " deliveries", timeout, () -> delivered.getAsLong() >= total);
        return new Rate(delivered.getAsLong() - from, (System.nanoTime() - begin) / 1e9,
                minus(cpu(service), serviceFrom), minus(cpu(ProcessHandle.current()), harnessFrom));
    }

    /** A process's CPU time so far (user and system), or null where the platform does not tell. */
    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(null);
    }

    private static Duration minus(Duration to, Duration from) {
        return to == null || from == null ? null : to.minus(from);
    }

}
