package com.subsets.sync.provisioner.erasure;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Optional;

/**
 * The Iterable forget queue in PostgreSQL ({@code erasure_destination} rows in status forget_queued), shared by every
 * provisioner replica. A replica claims one due row ({@code FOR UPDATE SKIP LOCKED}: the others pass over it), then
 * takes a call of the row's project under the project's lock ({@code iterable_forget_project}): at most
 * {@code perSecond} in any second and {@code perDay} in any 24 hours, counted from {@code iterable_forget_call}, so two
 * replicas share Iterable's budget. Beyond it, the row waits until a call of the window falls out of it.
 */
public final class ForgetQueue {

    /** A row this replica may call Iterable for now: its call is counted, and others skip it until {@code lease} ran out. */
    public record Claimed(String tenantId, String erasureId, String kind, String identifier, int attempt, String projectId) {
    }

    /** What a claim found: a row to call for, a row put back to wait for the project's budget, or nothing due. */
    public record Claim(Optional<Claimed> claimed, boolean deferred) {
        static final Claim NOTHING = new Claim(Optional.empty(), false);
        static final Claim DEFERRED = new Claim(Optional.empty(), true);
    }

    private final Pool pool;
    private final int perSecond;
    private final int perDay;

    public ForgetQueue(Pool pool, int perSecond, int perDay) {
        this.pool = pool;
        this.perSecond = perSecond;
        this.perDay = perDay;
    }

    public Future<Claim> claim(String replica, long leaseMillis) {
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        SELECT e.tenant_id, e.erasure_id, e.kind, e.forget_identifier, e.forget_attempts,
                               COALESCE(r.settings->>'projectId', 'tenant-' || e.tenant_id) AS project_id
                        FROM erasure_destination e LEFT JOIN destination_ready r ON r.tenant_id = e.tenant_id AND r.kind = e.kind
                        WHERE e.status = 'forget_queued' AND e.forget_next_at <= now()
                          AND (e.forget_claimed_until IS NULL OR e.forget_claimed_until < now())
                        ORDER BY e.forget_next_at LIMIT 1 FOR UPDATE OF e SKIP LOCKED""")
                .execute()
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(Claim.NOTHING);
                    }
                    Row r = rows.iterator().next();
                    Claimed row = new Claimed(r.getString("tenant_id"), r.getString("erasure_id"), r.getString("kind"),
                            r.getString("forget_identifier"), r.getInteger("forget_attempts") + 1, r.getString("project_id"));
                    return budget(tx, row.projectId()).compose(waitUntil -> waitUntil != null
                            ? tx.preparedQuery("UPDATE erasure_destination SET forget_next_at = $4 WHERE tenant_id = $1 AND erasure_id = $2 "
                                    + "AND kind = $3").execute(Tuple.of(row.tenantId(), row.erasureId(), row.kind(), waitUntil))
                                    .map(Claim.DEFERRED)
                            : tx.preparedQuery("UPDATE erasure_destination SET forget_claimed_by = $4, forget_attempts = forget_attempts + 1, "
                                    + "forget_claimed_until = clock_timestamp() + $5::bigint * interval '1 millisecond' "
                                    + "WHERE tenant_id = $1 AND erasure_id = $2 AND kind = $3")
                                    .execute(Tuple.of(row.tenantId(), row.erasureId(), row.kind(), replica, leaseMillis))
                                    .map(new Claim(Optional.of(row), false)));
                }));
    }

    /**
     * Under the project's lock: a call counted now (null), or when the next one may be made (its window is full). The
     * clock is read after the lock is held ({@code clock_timestamp()}, not the transaction's start), so calls of two
     * replicas are counted in the order they were taken.
     */
    private Future<OffsetDateTime> budget(SqlConnection tx, String projectId) {
        Tuple project = Tuple.of(projectId);
        return tx.preparedQuery("INSERT INTO iterable_forget_project (project_id) VALUES ($1) ON CONFLICT DO NOTHING").execute(project)
                .compose(v -> tx.preparedQuery("SELECT project_id FROM iterable_forget_project WHERE project_id = $1 FOR UPDATE")
                        .execute(project))
                .compose(v -> tx.preparedQuery("DELETE FROM iterable_forget_call WHERE project_id = $1 "
                        + "AND called_at <= clock_timestamp() - interval '24 hours'").execute(project))
                .compose(v -> tx.preparedQuery("""
                        SELECT count(*) FILTER (WHERE called_at > clock_timestamp() - interval '1 second') AS last_second,
                               count(*) AS last_day,
                               (array_agg(called_at ORDER BY called_at DESC))[$2] + interval '1 second' AS second_frees,
                               (array_agg(called_at ORDER BY called_at DESC))[$3] + interval '24 hours' AS day_frees
                        FROM iterable_forget_call WHERE project_id = $1""").execute(Tuple.of(projectId, perSecond, perDay)))
                .compose(rows -> {
                    Row r = rows.iterator().next();
                    if (r.getLong("last_day") >= perDay) {
                        return Future.succeededFuture(r.getOffsetDateTime("day_frees"));
                    }
                    if (r.getLong("last_second") >= perSecond) {
                        return Future.succeededFuture(r.getOffsetDateTime("second_frees"));
                    }
                    return tx.preparedQuery("INSERT INTO iterable_forget_call (project_id, called_at) VALUES ($1, clock_timestamp())")
                            .execute(project).map((OffsetDateTime) null);
                });
    }

    /** Iterable forgot the user: forgotten, and the identifier is no longer kept. */
    public Future<Void> forgotten(Claimed row, String replica) {
        return finish(row, replica, "forgotten", null, null);
    }

    /** Iterable refused for good (400, 401): failed with its words; the identifier is no longer kept either. */
    public Future<Void> refused(Claimed row, String replica, String reason, String detail) {
        return finish(row, replica, "failed", reason, detail);
    }

    private Future<Void> finish(Claimed row, String replica, String status, String reason, String detail) {
        return pool.preparedQuery("UPDATE erasure_destination SET status = $5, reason = $6, detail = $7, forget_identifier = NULL, "
                        + "forget_next_at = NULL, forget_claimed_by = NULL, forget_claimed_until = NULL, updated_at = now() "
                        + "WHERE tenant_id = $1 AND erasure_id = $2 AND kind = $3 AND forget_claimed_by = $4 AND status = 'forget_queued'")
                .execute(Tuple.from(Arrays.asList(row.tenantId(), row.erasureId(), row.kind(), replica, status, reason, detail)))
                .mapEmpty();
    }

    /** Not this time (429, 5xx, no answer): queued again for {@code delayMillis} later, the last failure shown. */
    public Future<Void> retry(Claimed row, String replica, long delayMillis, String reason, String detail) {
        return pool.preparedQuery("UPDATE erasure_destination SET forget_next_at = clock_timestamp() + $5::bigint * interval '1 millisecond', "
                        + "reason = $6, detail = $7, forget_claimed_by = NULL, forget_claimed_until = NULL, updated_at = now() "
                        + "WHERE tenant_id = $1 AND erasure_id = $2 AND kind = $3 AND forget_claimed_by = $4 AND status = 'forget_queued'")
                .execute(Tuple.from(Arrays.asList(row.tenantId(), row.erasureId(), row.kind(), replica, delayMillis, reason, detail)))
                .mapEmpty();
    }
}
