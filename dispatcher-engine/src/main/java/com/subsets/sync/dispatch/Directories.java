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
 * the static {@code <PREFIX>DESTINATIONS[_FILE]}. Setting both is an error, not a guess. The provisioner's answers
 * carry credentials: an {@code http://} URL is refused unless {@code <PREFIX>PROVISIONER_ALLOW_PLAINTEXT=true}.
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
        if (provisioner.getHost() == null || !("https".equals(provisioner.getScheme()) || "http".equals(provisioner.getScheme()))) {
            throw new ConfigException(prefix + "PROVISIONER_URL must be an http(s) URL with a host");
        }
        if ("http".equals(provisioner.getScheme()) && !allowPlaintext(env, prefix)) {
            throw new ConfigException(prefix + "PROVISIONER_URL is plain http, but the provisioner's answers carry tenants' "
                    + "credentials: use an https:// URL, or set " + prefix + "PROVISIONER_ALLOW_PLAINTEXT=true where the "
                    + "traffic is encrypted otherwise (a mesh with mutual TLS) or never leaves the host");
        }
        String token = env.required(prefix + "PROVISIONER_TOKEN");
        // The provisioner promises dispatchers follow a change within 30 s.
        long refresh = env.millis(prefix + "DIRECTORY_REFRESH_MS", Duration.ofSeconds(10), Duration.ofMillis(100),
                Duration.ofSeconds(30)).toMillis();
        return vertx -> new ProvisionerDirectory<>(vertx, provisioner, kind, token, reader, refresh);
    }

    private static boolean allowPlaintext(EnvReader env, String prefix) {
        String variable = prefix + "PROVISIONER_ALLOW_PLAINTEXT";
        String value = env.string(variable, "false");
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(variable + " must be true or false, was '" + value + "'");
        }
        return value.equals("true");
    }
}
