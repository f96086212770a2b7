package com.subsets.sync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {

    /** Two services in one JVM (the local stack): each one's Vert.x meters land in its own registry, with its name. */
    @Test
    void eachServiceOfOneJvmGetsItsOwnVertxMeters() throws Exception {
        ServiceMetrics first = new ServiceMetrics("first");
        ServiceMetrics second = new ServiceMetrics("second");
        Vertx a = first.newVertx(new VertxOptions());
        Vertx b = second.newVertx(new VertxOptions());
        try {
            a.executeBlocking(() -> 1).await(10, TimeUnit.SECONDS);
            b.executeBlocking(() -> 2).await(10, TimeUnit.SECONDS);
            assertThat(second.registry().scrape()).contains("vertx_pool_completed_total{").contains("service=\"second\"")
                    .doesNotContain("service=\"first\"");
            assertThat(first.registry().scrape()).contains("vertx_pool_completed_total{").doesNotContain("service=\"second\"");
        } finally {
            a.close().await(10, TimeUnit.SECONDS);
            b.close().await(10, TimeUnit.SECONDS);
            first.close();
            second.close();
        }
    }
}
