package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.EngineConfig;
import com.subsets.sync.dispatch.DestinationDirectory;
import com.subsets.sync.dispatch.Directories;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.Vertx;
import java.util.Set;
import java.util.function.Function;

/** The Iterable dispatcher's configuration, from the environment. */
public record IterableDispatcherConfig(String httpHost, int httpPort, EngineConfig engine,
                                       Function<Vertx, DestinationDirectory<IterableDestination>> directory) {

    /** Iterable: at most 1,000 users a call (its documentation) and 4 MB of body; the estimate keeps 1/8 spare. */
    static final int MAX_USERS = 1000;
    static final long MAX_BYTES = 4L * 1024 * 1024 * 7 / 8;

    public static IterableDispatcherConfig fromEnv(EnvReader env, Set<String> names) {
        double rate = env.integer("ITERABLE_REQUESTS_PER_SECOND", 5, 1, 10_000);
        int inFlight = env.integer("ITERABLE_MAX_IN_FLIGHT", 4, 1, 64);
        return new IterableDispatcherConfig(
                env.string("ITERABLE_HTTP_HOST", "0.0.0.0"),
                env.integer("ITERABLE_HTTP_PORT", 8081, 0, 65535),
                EngineConfig.fromEnv(env, names, "ITERABLE_", "iterable", MAX_USERS, MAX_BYTES),
                Directories.fromEnv(env, "ITERABLE_", "iterable", IterableDestinationReader.reader(rate, inFlight)));
    }
}
