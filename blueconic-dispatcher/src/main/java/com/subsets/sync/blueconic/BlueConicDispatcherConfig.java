package com.subsets.sync.blueconic;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.dispatch.EngineConfig;
import com.subsets.sync.dispatch.DestinationDirectory;
import com.subsets.sync.dispatch.Directories;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** The BlueConic dispatcher's configuration, from the environment. */
public record BlueConicDispatcherConfig(String httpHost, int httpPort, EngineConfig engine,
                                        Function<Vertx, DestinationDirectory<BlueConicDestination>> directory) {

    /** BlueConic: at most 1,000 entries per bulk request (more gives 413). It documents no body limit; 8 MB is ours. */
    static final int MAX_ENTRIES = 1000;
    static final long MAX_BYTES = 8L * 1024 * 1024;

    public static BlueConicDispatcherConfig fromEnv(EnvReader env, Set<String> names) {
        List<String> hosts = env.list("BLUECONIC_ALLOWED_HOSTS");
        InstanceUrlPolicy urls = new InstanceUrlPolicy(hosts.isEmpty() ? List.of("*.blueconic.net") : hosts,
                env.list("BLUECONIC_INSECURE_HOSTS"));
        // BlueConic documents no request rate, only a concurrency limit: the budget is generous, and concurrency
        // starts at BLUECONIC_INITIAL_IN_FLIGHT (one) requests at a time per tenant and adapts up to the maximum.
        double rate = env.integer("BLUECONIC_REQUESTS_PER_SECOND", 20, 1, 10_000);
        int inFlight = env.integer("BLUECONIC_MAX_IN_FLIGHT", 4, 1, 64);
        int initialInFlight = env.integer("BLUECONIC_INITIAL_IN_FLIGHT", 1, 1, inFlight);
        return new BlueConicDispatcherConfig(
                env.string("BLUECONIC_HTTP_HOST", "0.0.0.0"),
                env.integer("BLUECONIC_HTTP_PORT", 8082, 0, 65535),
                EngineConfig.fromEnv(env, names, "BLUECONIC_", "blueconic", MAX_ENTRIES, MAX_BYTES),
                Directories.fromEnv(env, "BLUECONIC_", "blueconic", BlueConicDestinationReader.reader(urls, rate, initialInFlight, inFlight)));
    }
}
