package com.subsets.sync.runtime;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Prometheus registry per service instance, with JVM meters, and a Vert.x that reports its own
 * meters (HTTP requests by route, method and status; event loops; pools) into it.
 */
public final class ServiceMetrics implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private final PrometheusMeterRegistry registry;
    /**
     * Vert.x keeps one meter registry per registry name per JVM, the first one set up under it: without a name of its
     * own, every service of one JVM (the local stack, tests) would report its HTTP, pool and event-loop meters into the
     * first service's registry, labelled with that service.
     */
    private final String vertxRegistryName;
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public ServiceMetrics(String service) {
        vertxRegistryName = "subsets-sync." + service + "." + INSTANCES.incrementAndGet();
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service).meterFilter(new PrometheusNaming());
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** A Vert.x whose built-in metrics land in this registry. */
    public Vertx newVertx(VertxOptions options) {
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(vertxRegistryName)
                .setJvmMetricsEnabled(false)
                .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME));
        return Vertx.builder()
                .with(options.setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
