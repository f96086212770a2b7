package com.subsets.sync.ingest;

import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ServiceLauncher;

/** Starts the ingest service from the environment; closes it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceLauncher.launch("ingest-service",
                () -> IngestConfig.fromEnv(EnvReader.system(), System.getenv().keySet()),
                IngestConfig::shutdownTimeout, IngestService::start, IngestService::close);
    }
}
