package com.subsets.sync.local;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * {@code ./run-local.sh}: starts the whole system, runs the demo, prints what arrived and where
 * everything is, and keeps running until Ctrl-C, which stops everything cleanly.
 */
public final class LocalStackMain {

    private LocalStackMain() {
    }

    public static void main(String[] args) throws Exception {
        Progress progress = new Progress(System.out);
        LocalStackConfig config;
        try {
            config = LocalStackConfig.fromEnv(EnvReader.system());
        } catch (ConfigException e) {
            System.err.println("cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        // Ctrl-C (or SIGTERM) is taken before the JVM starts shutting down, so the services, the broker
        // and PostgreSQL close in order, before the JVM's own hooks delete their temporary directories.
        CountDownLatch stop = new CountDownLatch(1);
        Signal.handle(new Signal("INT"), signal -> stop.countDown());
        Signal.handle(new Signal("TERM"), signal -> stop.countDown());
        LocalStack stack = LocalStack.start(config, progress);
        boolean delivered = true;
        if (config.demo()) {
            Demo demo = new Demo(stack, progress);
            demo.register();
            demo.sendEvents();
            delivered = demo.awaitDelivery(Duration.ofSeconds(120)) && demo.awaitHistory(Duration.ofSeconds(30));
            progress.print(delivered ? "every demo subscriber is current at both destinations"
                    : "not every demo subscriber arrived within 2 minutes; what did:");
            progress.print(Summary.delivered(stack, demo));
            delivered &= demo.backfillLateDestination(Duration.ofSeconds(120)) == config.demoSubscribers();
            delivered &= demo.replayAfterTheCauseIsFixed(Duration.ofSeconds(120)) > 0;
            delivered &= demo.readSegmentBack(Duration.ofSeconds(60)) != null;
            delivered &= new ErasureDemo(stack, demo, progress).eraseOne(config.demoSubscribers(), Duration.ofSeconds(60)).complete();
        }
        progress.print(Summary.endpoints(stack));
        if (!config.exitAfterDemo()) {
            progress.print("subsets-sync is running. Ctrl-C stops everything.");
            stop.await();
        }
        progress.print("\nstopping everything...");
        stack.close();
        progress.print("stopped.");
        System.exit(delivered ? 0 : 1);
    }
}
