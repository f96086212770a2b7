package com.subsets.sync.dispatch;

import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;

/**
 * Which directory a dispatcher reads: the provisioner when {@code <PREFIX>PROVISIONER_URL} is set (with
 * {@code <PREFIX>PROVISIONER_TOKEN}, refreshed every {@code <PREFIX>DIRECTORY_REFRESH_MS}), otherwise
 * the static {@code <PREFIX>DESTINATIONS[_FILE]}. Setting both is an error, not a guess.
 */
public final class Directories {

    private Directories() {
    }

    public static <C> Function<Vertx, DestinationDirectory<C>> fromEnv(EnvReader env, String prefix, String kind,
                                                                      StaticDestinations.EntryReader<C> reader) {
        String url = env.string(prefix + "PROVISIONER_URL", null);
        if (url == null) {
            StaticDestinations<C> fixed = StaticDestinations.fromEnv(env, prefix, reader);
            return vertx -> fixed;
        }
        if (env.string(prefix + "DESTINATIONS", null) != null || env.string(prefix + "DESTINATIONS_FILE", null) != null) {
            throw new ConfigException(prefix + "PROVISIONER_URL and " + prefix + "DESTINATIONS[_FILE] are both set; choose one");
        }
        URI provisioner;
        try {
            provisioner = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "PROVISIONER_URL is not a URL");
        }
        if (provisioner.getHost() == null) {
            throw new ConfigException(prefix + "PROVISIONER_URL must be an http(s) URL with a host");
        }
        String token = env.required(prefix + "PROVISIONER_TOKEN");
        // The provisioner promises dispatchers follow a change within 30 s.
        long refresh = env.millis(prefix + "DIRECTORY_REFRESH_MS", Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(30)).toMillis();
        return vertx -> new ProvisionerDirectory<>(vertx, provisioner, kind, token, reader, refresh);
    }
}
