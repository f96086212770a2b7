package com.subsets.sync.blueconic;

import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ServiceLauncher;

/** Starts the BlueConic dispatcher from the environment; closes it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceLauncher.launch("blueconic-dispatcher",
                () -> BlueConicDispatcherConfig.fromEnv(EnvReader.system(), System.getenv().keySet()),
                config -> config.engine().shutdownTimeout(), BlueConicDispatcher::start, service -> service.close());
    }
}
