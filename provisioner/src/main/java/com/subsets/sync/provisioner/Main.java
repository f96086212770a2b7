package com.subsets.sync.provisioner;

import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.runtime.ServiceLauncher;

/** Starts the provisioner from the environment; closes it gracefully on SIGTERM. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        ServiceLauncher.launch("provisioner",
                () -> ProvisionerConfig.fromEnv(EnvReader.system(), System.getenv().keySet()),
                ProvisionerConfig::shutdownTimeout, ProvisionerService::start, ProvisionerService::close);
    }
}
