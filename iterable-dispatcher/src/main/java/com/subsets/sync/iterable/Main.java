package com.subsets.sync.iterable;

import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ServiceLauncher;

/** Starts the Iterable dispatcher from the environment; closes it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceLauncher.launch("iterable-dispatcher",
                () -> IterableDispatcherConfig.fromEnv(EnvReader.system(), System.getenv().keySet()),
                config -> config.engine().shutdownTimeout(), IterableDispatcher::start, service -> service.close());
    }
}
