package com.subsets.sync.provisioner.erasure;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code provisioner_erasures_overdue{destination}}: erasures a destination has not finished (pending, or waiting in the
 * forget queue) a day after the provisioner recorded them, counted every minute; the SubsetsSyncErasuresOverdue alert
 * reads it. A day: the dispatchers answer in seconds, and Iterable's 1,000 forgets a day are a day's queue at most.
 */
final class OverdueErasures {

    private static final Logger LOG = LoggerFactory.getLogger(OverdueErasures.class);
    static final Duration OVERDUE = Duration.ofDays(1);
    private static final long EVERY_MILLIS = 60_000;

    private final Vertx vertx;
    private final Pool pool;
    private final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
    private long timer = -1;

    OverdueErasures(Vertx vertx, Pool pool, MeterRegistry registry) {
        this.vertx = vertx;
        this.pool = pool;
        for (String kind : new String[] {"iterable", "blueconic"}) {
            AtomicLong count = new AtomicLong();
            byKind.put(kind, count);
            Gauge.builder("provisioner.erasures.overdue", count, AtomicLong::get)
                    .description("Erasures a destination has not finished (pending, or waiting to be forgotten) a day after they were recorded")
                    .tag("destination", kind).register(registry);
        }
    }

    void start() {
        timer = vertx.setPeriodic(1, EVERY_MILLIS, t -> count());
    }

    void stop() {
        vertx.cancelTimer(timer);
    }

    private void count() {
        pool.preparedQuery("SELECT d.kind, count(*) AS n FROM erasure_destination d JOIN erasure e USING (tenant_id, erasure_id) "
                        + "WHERE d.status IN ('pending', 'forget_queued') AND e.received_at < now() - $1::bigint * interval '1 millisecond' "
                        + "GROUP BY d.kind")
                .execute(Tuple.of(OVERDUE.toMillis()))
                .onSuccess(rows -> {
                    Map<String, Long> counts = new java.util.HashMap<>();
                    rows.forEach(r -> counts.put(r.getString("kind"), r.getLong("n")));
                    byKind.forEach((kind, gauge) -> gauge.set(counts.getOrDefault(kind, 0L)));
                })
                .onFailure(e -> LOG.warn("overdue erasures not counted: {}", e.toString()));
    }
}
