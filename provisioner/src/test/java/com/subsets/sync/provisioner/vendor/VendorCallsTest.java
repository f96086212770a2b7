package com.subsets.sync.provisioner.vendor;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.provisioner.core.ProvisioningFailure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A vendor call whose request cannot be built fails at once, without quoting what Vert.x refused. */
class VendorCallsTest {

    private static final String KEY = "stored-key-\r\nX-Injected: 1";

    private Vertx vertx;
    private VendorCalls calls;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        calls = new VendorCalls(vertx, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofDays(1), () -> 0.5), 3);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private Throwable failure(Future<?> call) throws Exception {
        return call.transform(ar -> Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
    }

    @Test
    void aHeaderVertxRefusesFailsTheCallUnquoted() throws Exception {
        HttpServer peer = vertx.createHttpServer().requestHandler(r -> r.response().end("{}")).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        WebClient client = WebClient.create(vertx);
        Throwable failed = failure(calls.call("Iterable getFields", () -> client.getAbs("http://127.0.0.1:" + peer.actualPort() + "/")
                .putHeader("Api-Key", KEY).send(), status -> status == 200));
        assertThat(failed).isInstanceOf(ProvisioningFailure.class);
        assertThat(((ProvisioningFailure) failed).retryable()).isFalse();
        assertThat(failed.getMessage()).contains("could not be built").doesNotContain("stored-key").doesNotContain("Injected");
    }

    @Test
    void aRequestThatThrowsWhileBeingBuiltFailsTheCallUnquoted() throws Exception {
        Throwable thrown = failure(calls.call("BlueConic GET", () -> {
            throw new IllegalArgumentException("invalid header value: " + KEY);
        }, status -> status == 200));
        assertThat(thrown).isInstanceOf(ProvisioningFailure.class);
        assertThat(thrown.getMessage()).contains("could not be built").doesNotContain("stored-key");

        Throwable failedLater = failure(calls.call("BlueConic GET", () -> Future.failedFuture(
                new IllegalArgumentException("invalid header value: " + KEY)), status -> status == 200));
        assertThat(failedLater.getMessage()).contains("could not be built").doesNotContain("stored-key");
    }
}
