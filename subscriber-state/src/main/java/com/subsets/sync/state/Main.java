package com.subsets.sync.state;

import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ServiceLauncher;

/** Starts the subscriber-state service from the environment; closes it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceLauncher.launch("subscriber-state", () -> SubscriberStateConfig.fromEnv(EnvReader.system(), System.getenv().keySet()),
                SubscriberStateConfig::shutdownTimeout, SubscriberStateService::start, SubscriberStateService::close);
    }
}
