package com.subsets.sync.iterable;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration once, starts the dispatcher, and closes it gracefully on SIGTERM. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        IterableDispatcherConfig config;
        try {
            config = IterableDispatcherConfig.fromEnv(EnvReader.system(), System.getenv().keySet());
        } catch (ConfigException e) {
            LOG.error("iterable-dispatcher cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        long seconds = config.engine().shutdownTimeout().toSeconds() + 10;
        IterableDispatcher.start(config)
                .onFailure(e -> {
                    LOG.error("iterable-dispatcher failed to start", e);
                    System.exit(1);
                })
                .onSuccess(dispatcher -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    CountDownLatch closed = new CountDownLatch(1);
                    dispatcher.close().onComplete(ar -> closed.countDown());
                    try {
                        closed.await(seconds, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "iterable-dispatcher-shutdown")));
    }
}
