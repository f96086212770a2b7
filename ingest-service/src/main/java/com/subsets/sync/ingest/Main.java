package com.subsets.sync.ingest;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the configuration once, starts the service, and closes it gracefully on SIGTERM. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        IngestConfig config;
        try {
            config = IngestConfig.fromEnv(EnvReader.system(), System.getenv().keySet());
        } catch (ConfigException e) {
            LOG.error("ingest-service cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        }
        long shutdownSeconds = config.shutdownTimeout().toSeconds() + 10;
        IngestService.start(config)
                .onFailure(e -> {
                    LOG.error("ingest-service failed to start", e);
                    System.exit(1);
                })
                .onSuccess(service -> Runtime.getRuntime().addShutdownHook(
                        new Thread(() -> closeGracefully(service, shutdownSeconds), "ingest-shutdown")));
    }

    private static void closeGracefully(IngestService service, long seconds) {
        LOG.info("ingest-service shutting down");
        CountDownLatch closed = new CountDownLatch(1);
        service.close().onComplete(ar -> closed.countDown());
        try {
            if (!closed.await(seconds, TimeUnit.SECONDS)) {
                LOG.warn("ingest-service did not close within {} s", seconds);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
