package com.subsets.sync.provisioner.store;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.notifications.Health;
import com.subsets.sync.provisioner.notifications.HealthHook;
import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Resyncs and parkings of destinations: what operators ask for, what dispatchers run and report. */
public final class ResyncStore {

    /**
     * A resync as stored; {@code subscriberCount} how many subscribers it names (a replay, a test delivery: their keys in
     * {@link ResyncSubscribers}), null for every subscriber of the tenant.
     */
    public record Resync(long id, String tenantId, String reason, String detail, long fromOffset, Long subscriberCount,
                         String status, OffsetDateTime requestedAt, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                         Long endOffset, Long total, Long position, long sent, String lastError, OffsetDateTime lastErrorAt,
                         Integer queuePosition) {
    }

    public record Parking(String tenantId, int partition, long fromOffset, String reason, OffsetDateTime parkedAt) {
    }

    private static final String COLUMNS = "id, tenant_id, reason, detail, from_offset, subscriber_count, status, requested_at, "
            + "started_at, finished_at, end_offset, total, position, sent, last_error, last_error_at, queue_position";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Pool pool;
    private final HealthHook health;
    private final ResyncSubscribers subscribers;

    public ResyncStore(Pool pool) {
        this(pool, HealthHook.NONE);
    }

    /** {@code health}: told of parkings, recoveries and finished resyncs inside the transaction that records them. */
    public ResyncStore(Pool pool, HealthHook health) {
        this.pool = pool;
        this.health = health;
        this.subscribers = new ResyncSubscribers(pool);
    }

    /** The subscribers replays and test deliveries name, in rows of their own. */
    public ResyncSubscribers subscribers() {
        return subscribers;
    }

    /**
     * An operator's resync or replay, unless the destination has one not DONE yet (then empty): one at a time.
     * A concurrent request loses on the unique index and is answered the same way. {@code subscribers} (null: every
     * subscriber of the tenant) are written with it, in pages, in the same transaction: a resync is never seen half-named.
     */
    public Future<Optional<Resync>> request(String tenantId, DestinationKind kind, String reason, String detail,
                                            List<String> subscribers) {
        List<String> named = subscribers == null ? null : List.copyOf(new java.util.LinkedHashSet<>(subscribers));
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO destination_resync (tenant_id, kind, reason, detail, "
                        + "subscriber_count) SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS (SELECT 1 FROM destination_resync "
                        + "WHERE tenant_id = $1 AND kind = $2 AND status <> 'DONE') RETURNING " + COLUMNS)
                .execute(Tuple.of(tenantId, kind.wireName(), reason, detail, named == null ? null : (long) named.size()))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<Resync>empty());
                    }
                    Resync created = resync(rows.iterator().next());
                    return (named == null ? Future.<Void>succeededFuture() : ResyncSubscribers.write(tx, created.id(), named))
                            .map(Optional.of(created));
                }))
                .recover(e -> e instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                        ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(e));
    }

    /** The one running or next to run, else the last one, if any. */
    public Future<Optional<Resync>> latest(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination_resync WHERE tenant_id = $1 AND kind = $2 "
                        + "ORDER BY (status = 'DONE'), CASE WHEN status = 'DONE' THEN -id ELSE id END LIMIT 1")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(resync(rows.iterator().next())));
    }

    /** One resync of the destination by its id, if it is the destination's. */
    public Future<Optional<Resync>> find(String tenantId, DestinationKind kind, long id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination_resync WHERE tenant_id = $1 AND kind = $2 AND id = $3")
                .execute(Tuple.of(tenantId, kind.wireName(), id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(resync(rows.iterator().next())));
    }

    /** The destination's last {@code limit} resyncs (backfills, resyncs, replays, tests), newest first: its run history. */
    public Future<List<Resync>> recent(String tenantId, DestinationKind kind, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination_resync WHERE tenant_id = $1 AND kind = $2 "
                        + "ORDER BY id DESC LIMIT $3")
                .execute(Tuple.of(tenantId, kind.wireName(), limit))
                .map(ResyncStore::resyncs);
    }

    /** For each destination of a kind, the resync to run now: its oldest not DONE. */
    public Future<List<Resync>> runnable(DestinationKind kind) {
        return pool.preparedQuery("SELECT DISTINCT ON (tenant_id) " + COLUMNS + " FROM destination_resync "
                        + "WHERE kind = $1 AND status <> 'DONE' ORDER BY tenant_id, id")
                .execute(Tuple.of(kind.wireName()))
                .map(ResyncStore::resyncs);
    }

    /** A dispatcher's report; false when there is no such resync of that kind not DONE. */
    public Future<Boolean> progress(DestinationKind kind, long id, long position, long endOffset, long total, long sent,
                                    String lastError, boolean done) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                UPDATE destination_resync SET
                    status = CASE WHEN $8 THEN 'DONE' ELSE 'RUNNING' END,
                    started_at = COALESCE(started_at, now()),
                    finished_at = CASE WHEN $8 THEN now() END,
                    position = $3, end_offset = $4, total = $5, sent = $6, queue_position = NULL,
                    last_error = COALESCE($7, last_error),
                    last_error_at = CASE WHEN $7 IS NOT NULL THEN now() ELSE last_error_at END
                WHERE id = $1 AND kind = $2 AND status <> 'DONE'
                RETURNING tenant_id, reason, detail, sent, total, requested_at, started_at, finished_at, last_error""")
                .execute(Tuple.from(Arrays.asList(id, kind.wireName(), position, endOffset, total, sent, lastError, done)))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(false);
                    }
                    Row r = rows.iterator().next();
                    if (!done) {
                        return Future.succeededFuture(true);
                    }
                    // A finished backfill, resync or replay (a notice for destinations notified on every run).
                    JsonObject details = new JsonObject().put("resyncId", id).put("reason", r.getString("reason"))
                            .put("detail", r.getString("detail")).put("sent", r.getLong("sent")).put("total", r.getLong("total"))
                            .put("startedAt", r.getOffsetDateTime("started_at").toInstant().toString())
                            .put("finishedAt", r.getOffsetDateTime("finished_at").toInstant().toString());
                    return ResyncSubscribers.forgetFinished(tx, id)
                            .compose(v -> health.runFinished(tx, r.getString("tenant_id"), kind, details, r.getString("last_error")))
                            .map(true);
                }));
    }

    /** A dispatcher says where the resync waits in its queue; false when there is no such resync of that kind not DONE. */
    public Future<Boolean> queued(DestinationKind kind, long id, int place) {
        return pool.preparedQuery("UPDATE destination_resync SET queue_position = $3 WHERE id = $1 AND kind = $2 "
                        + "AND status <> 'DONE' RETURNING id")
                .execute(Tuple.of(id, kind.wireName(), place))
                .map(rows -> rows.size() > 0);
    }

    /**
     * The oldest resync not DONE that sends every subscriber of the destination (a first READY's backfill, an
     * operator's resync, a recovery after a parking), if any: such a resync will send this subscriber too.
     */
    public Future<Optional<Resync>> pendingForEveryone(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination_resync WHERE tenant_id = $1 AND kind = $2 "
                        + "AND status <> 'DONE' AND subscriber_count IS NULL ORDER BY id LIMIT 1")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(resync(rows.iterator().next())));
    }

    /**
     * The oldest replay not DONE of the destination that names one of these subscribers (their state-topic keys), if
     * any. The one place that knows where a replay keeps the subscribers it names: its rows of
     * {@code destination_resync_subscriber}.
     */
    public Future<Optional<Resync>> pendingReplayOf(String tenantId, DestinationKind kind, java.util.Collection<String> stateKeys) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination_resync WHERE tenant_id = $1 AND kind = $2 "
                        + "AND status <> 'DONE' AND reason = 'replay' AND EXISTS (SELECT 1 FROM destination_resync_subscriber s "
                        + "WHERE s.resync_id = destination_resync.id AND s.subscriber = ANY($3::text[])) ORDER BY id LIMIT 1")
                .execute(Tuple.of(tenantId, kind.wireName(), stateKeys.toArray(String[]::new)))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(resync(rows.iterator().next())));
    }

    /** Records a parking; a destination parked already keeps its first one (the earlier offset). */
    public Future<Boolean> park(String tenantId, DestinationKind kind, int partition, long fromOffset, String reason,
                                OffsetDateTime parkedAt) {
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO destination_parking (tenant_id, kind, partition, "
                        + "from_offset, reason, parked_at) "
                        + "SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2) "
                        + "ON CONFLICT (tenant_id, kind) DO NOTHING")
                .execute(Tuple.of(tenantId, kind.wireName(), partition, fromOffset, reason, parkedAt))
                .compose(v -> tx.preparedQuery("SELECT reason FROM destination_parking WHERE tenant_id = $1 AND kind = $2")
                        .execute(Tuple.of(tenantId, kind.wireName())))
                // DEGRADED with the reason of the parking kept (the first one).
                .compose(parking -> parking.size() == 0 ? Future.succeededFuture(false)
                        : health.observed(tx, tenantId, kind, Health.Observation.PARKED, parking.iterator().next().getString("reason"))
                                .map(true)));
    }

    /**
     * Ends a parking and asks for a resync of the changes since it, in one statement. The dispatcher says where the
     * parking began ({@code fromOffset}, null from a dispatcher that does not): the resync starts at the earlier of that
     * and the recorded parking's offset, and is queued even when the parking was never recorded. Idempotent: one
     * unfinished recovery resync per destination and offset. False when the destination is not registered.
     */
    public Future<Boolean> recover(String tenantId, DestinationKind kind, Long fromOffset) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                WITH ended AS (DELETE FROM destination_parking WHERE tenant_id = $1 AND kind = $2
                               RETURNING from_offset, reason),
                     recovery AS (SELECT LEAST(from_offset, COALESCE($3::bigint, from_offset)) AS from_offset,
                                         'the vendor answers again after: ' || reason AS detail FROM ended
                                  UNION ALL
                                  SELECT $3::bigint, 'the vendor answers again after a parking not recorded here'
                                  WHERE $3::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ended))
                INSERT INTO destination_resync (tenant_id, kind, reason, detail, from_offset)
                SELECT $1, $2, 'recovered', detail, from_offset FROM recovery
                WHERE EXISTS (SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2)
                ON CONFLICT (tenant_id, kind, from_offset) WHERE status <> 'DONE' AND reason = 'recovered' DO NOTHING""")
                .execute(Tuple.of(tenantId, kind.wireName(), fromOffset))
                .compose(v -> tx.preparedQuery("SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2")
                        .execute(Tuple.of(tenantId, kind.wireName())).map(rows -> rows.size() > 0))
                .compose(known -> known ? health.observed(tx, tenantId, kind, Health.Observation.UNPARKED, null).map(true)
                        : Future.succeededFuture(false)));
    }

    public Future<List<Parking>> parkings(DestinationKind kind) {
        return pool.preparedQuery("SELECT tenant_id, partition, from_offset, reason, parked_at FROM destination_parking WHERE kind = $1")
                .execute(Tuple.of(kind.wireName()))
                .map(rows -> {
                    List<Parking> out = new ArrayList<>();
                    rows.forEach(r -> out.add(parking(r)));
                    return out;
                });
    }

    public Future<Optional<Parking>> parking(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT tenant_id, partition, from_offset, reason, parked_at FROM destination_parking "
                        + "WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(parking(rows.iterator().next())));
    }

    private static Parking parking(Row r) {
        return new Parking(r.getString("tenant_id"), r.getInteger("partition"), r.getLong("from_offset"), r.getString("reason"),
                r.getOffsetDateTime("parked_at"));
    }

    private static List<Resync> resyncs(RowSet<Row> rows) {
        List<Resync> out = new ArrayList<>();
        rows.forEach(r -> out.add(resync(r)));
        return out;
    }

    private static Resync resync(Row r) {
        return new Resync(r.getLong("id"), r.getString("tenant_id"), r.getString("reason"), r.getString("detail"),
                r.getLong("from_offset"), r.getLong("subscriber_count"), r.getString("status"),
                r.getOffsetDateTime("requested_at"), r.getOffsetDateTime("started_at"), r.getOffsetDateTime("finished_at"),
                r.getLong("end_offset"), r.getLong("total"), r.getLong("position"), r.getLong("sent"), r.getString("last_error"),
                r.getOffsetDateTime("last_error_at"), r.getInteger("queue_position"));
    }
}
