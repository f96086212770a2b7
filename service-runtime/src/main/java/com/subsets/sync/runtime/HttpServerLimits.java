package com.subsets.sync.runtime;

import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What bounds the cost of a caller on a service's HTTP servers, whoever it is: a connection with no traffic either
 * way for {@code idleTimeout} is closed; a request body not received within {@code bodyTimeout} of its headers is
 * answered 408 and its connection closed; beyond {@code maxConnections} open connections a new one is closed at
 * once. Cleartext HTTP/2 (h2c) is off: HTTP/1.1 only, one request at a time a connection.
 */
public record HttpServerLimits(Duration idleTimeout, Duration bodyTimeout, int maxConnections) {

    public HttpServerLimits {
        if (idleTimeout.isZero() || idleTimeout.isNegative() || bodyTimeout.isZero() || bodyTimeout.isNegative()) {
            throw new ConfigException("HTTP idle and body timeouts must be positive");
        }
        if (maxConnections < 1) {
            throw new ConfigException("the HTTP connection limit must be at least 1");
        }
    }

    /**
     * {@code <PREFIX>_HTTP_IDLE_TIMEOUT_MS} (30 s), {@code <PREFIX>_HTTP_BODY_TIMEOUT_MS} (10 s),
     * {@code <PREFIX>_HTTP_MAX_CONNECTIONS} (1,000): {@code prefix} is the service's, {@code INGEST} say.
     */
    public static HttpServerLimits fromEnv(EnvReader env, String prefix) {
        return new HttpServerLimits(
                env.millis(prefix + "_HTTP_IDLE_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ofMillis(100), Duration.ofHours(1)),
                env.millis(prefix + "_HTTP_BODY_TIMEOUT_MS", Duration.ofSeconds(10), Duration.ofMillis(100), Duration.ofMinutes(10)),
                env.integer(prefix + "_HTTP_MAX_CONNECTIONS", 1_000, 1, 1_000_000));
    }

    /** Server options listening on {@code host:port} with these limits; HTTP/1.1 only. */
    public HttpServerOptions options(String host, int port) {
        return new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setCompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setIdleTimeout((int) idleTimeout.toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }
}
