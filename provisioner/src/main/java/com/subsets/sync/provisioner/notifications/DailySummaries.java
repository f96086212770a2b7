package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.model.UniqueSubscribers;
import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily summary of destinations notified on {@code every_run}: after 00:00 UTC, each replica's check (every
 * {@code PROVISIONER_NOTIFICATIONS_DAILY_CHECK_MS}) queues the day before's counts from the delivery history (updated,
 * rejected, dead-lettered, unique subscribers updated) for every such destination that existed that day. A row per
 * destination and day ({@code notification_daily}) is inserted in the transaction that queues the notice, so one
 * summary is queued per destination and day however many replicas check.
 */
public final class DailySummaries {

    private static final Logger LOG = LoggerFactory.getLogger(DailySummaries.class);

    private final Vertx vertx;
    private final Pool pool;
    private final Duration check;
    private final Clock clock;
    private long timer = -1;
    private Future<Integer> running = Future.succeededFuture(0);
    private boolean checking;

    public DailySummaries(Vertx vertx, Pool pool, Duration check, Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.check = check;
        this.clock = clock;
    }

    public void start() {
        timer = vertx.setPeriodic(1, check.toMillis(), t -> queueDue());
    }

    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        return running.<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    /** Queues the summaries of the day before today (UTC, by the clock) not queued yet; how many it queued. */
    public Future<Integer> queueDue() {
        if (checking) {
            return running;
        }
        checking = true;
        running = queue(LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1))
                .onSuccess(n -> {
                    if (n > 0) {
                        LOG.info("queued {} daily summaries", n);
                    }
                })
                .recover(e -> {
                    LOG.warn("daily summaries not queued, next check in {} ms: {}", check.toMillis(), e.toString());
                    return Future.succeededFuture(0);
                })
                .eventually(() -> {
                    checking = false;
                    return Future.succeededFuture();
                });
        return running;
    }

    /** Queues {@code day}'s summary of every {@code every_run} destination that existed then and has none yet. */
    public Future<Integer> queue(LocalDate day) {
        OffsetDateTime start = day.atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime end = start.plusDays(1);
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        INSERT INTO notification_daily (tenant_id, kind, day)
                        SELECT n.tenant_id, n.kind, $1 FROM destination_notification n
                        JOIN destination d ON d.tenant_id = n.tenant_id AND d.kind = n.kind
                        WHERE n.notify_on = 'every_run' AND d.created_at < $2
                        ON CONFLICT DO NOTHING RETURNING tenant_id, kind""")
                .execute(Tuple.of(day, end))
                .compose(rows -> {
                    List<Row> due = new ArrayList<>();
                    rows.forEach(due::add);
                    Future<Void> chain = Future.succeededFuture();
                    for (Row row : due) {
                        chain = chain.compose(v -> summary(tx, row.getString("tenant_id"), row.getString("kind"), day, start, end));
                    }
                    return chain.map(due.size());
                }));
    }

    private static Future<Void> summary(SqlConnection tx, String tenantId, String kind, LocalDate day, OffsetDateTime start,
                                        OffsetDateTime end) {
        return tx.preparedQuery("""
                        SELECT d.updated, d.rejected, d.dead_lettered, d.unique_sketch,
                               (SELECT s.last_error FROM delivery_summary s WHERE s.tenant_id = $1 AND s.kind = $2
                                AND s.last_error_at >= $4 AND s.last_error_at < $5) AS last_error
                        FROM (SELECT 1) one LEFT JOIN delivery_day d ON d.tenant_id = $1 AND d.kind = $2 AND d.day = $3""")
                .execute(Tuple.of(tenantId, kind, day, start, end))
                .compose(rows -> {
                    Row r = rows.iterator().next();
                    JsonObject details = new JsonObject().put("day", day.toString())
                            .put("updated", orZero(r.getLong("updated"))).put("rejected", orZero(r.getLong("rejected")))
                            .put("deadLettered", orZero(r.getLong("dead_lettered")))
                            .put("uniqueUpdated", r.getBuffer("unique_sketch") == null ? (r.getLong("updated") == null ? 0L : null)
                                    : UniqueSubscribers.of(r.getBuffer("unique_sketch").getBytes()).estimate());
                    return NotificationStore.enqueue(tx, tenantId, DestinationKind.of(kind).orElseThrow(), NoticeType.DAILY_SUMMARY,
                            r.getString("last_error"), details);
                });
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
