package com.subsets.sync.runtime;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does: read the configuration once (a bad variable stops the process
 * with exit code 2 and its name), start, and on SIGTERM close gracefully within the shutdown timeout.
 */
public final class ServiceLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

    private ServiceLauncher() {
    }

    public static <C, S> void launch(String name, Supplier<C> readConfig, Function<C, Duration> shutdownTimeout,
                                     Function<C, Future<S>> start, Function<S, Future<Void>> close) {
        C config;
        try {
            config = readConfig.get();
        } catch (ConfigException e) {
            LOG.error("{} cannot start: {}", name, e.getMessage());
            System.exit(2);
            return;
        }
        long seconds = shutdownTimeout.apply(config).toSeconds() + 10;
        start.apply(config)
                .onFailure(e -> {
                    LOG.error("{} failed to start", name, e);
                    System.exit(1);
                })
                .onSuccess(service -> Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    LOG.info("{} shutting down", name);
                    CountDownLatch closed = new CountDownLatch(1);
                    close.apply(service).onComplete(ar -> closed.countDown());
                    try {
                        if (!closed.await(seconds, TimeUnit.SECONDS)) {
                            LOG.warn("{} did not close within {} s", name, seconds);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, name + "-shutdown")));
    }
}
