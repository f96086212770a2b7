package com.subsets.sync.provisioner.store;

import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.model.UniqueSubscribers;
import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Delivery history per tenant and destination, as BlueConic's run history shows it: counts per day and
 * in total, unique subscribers updated per day and in total (merged UltraLogLog sketches, see
 * {@link UniqueSubscribers}), each day's last five subscribers updated, last success, last error with the vendor's
 * text. A report is applied once: its id is recorded in the same transaction as its counts.
 */
public final class DeliveryHistoryStore {

    private static final int DAYS_SHOWN = 30;
    private final Pool pool;
    private final Applied applied;

    /** Told of each report inside the transaction that applies it (the dead-letter notices): rolls back with it. */
    public interface Applied {
        Applied NONE = (tx, report) -> Future.succeededFuture();

        Future<Void> applied(SqlConnection tx, DeliveryReport report);
    }

    public DeliveryHistoryStore(Pool pool) {
        this(pool, Applied.NONE);
    }

    public DeliveryHistoryStore(Pool pool, Applied applied) {
        this.pool = pool;
        this.applied = applied;
    }

    /**
     * Forgets which reports were applied before {@code window} ago: no redelivery can bring one back after the
     * reports topic dropped it, and the table would otherwise grow by a row per report forever.
     */
    public Future<Integer> purgeApplied(java.time.Duration window) {
        return pool.preparedQuery("DELETE FROM delivery_report_applied WHERE applied_at < now() - $1::bigint * interval '1 millisecond'")
                .execute(Tuple.of(window.toMillis()))
                .map(io.vertx.sqlclient.SqlResult::rowCount);
    }

    /** Applies a report; false if it had been applied before (a redelivery). */
    public Future<Boolean> apply(DeliveryReport report) {
        OffsetDateTime end = report.windowEnd().atOffset(ZoneOffset.UTC);
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO delivery_report_applied (report_id) VALUES ($1) "
                        + "ON CONFLICT DO NOTHING")
                .execute(Tuple.of(UUID.fromString(report.reportId())))
                .compose(inserted -> {
                    if (inserted.rowCount() == 0) {
                        return Future.succeededFuture(false);
                    }
                    return tx.preparedQuery("""
                                    INSERT INTO delivery_day (tenant_id, kind, day, updated, rejected, dead_lettered)
                                    VALUES ($1, $2, $3, $4, $5, $6)
                                    ON CONFLICT (tenant_id, kind, day) DO UPDATE SET
                                        updated = delivery_day.updated + EXCLUDED.updated,
                                        rejected = delivery_day.rejected + EXCLUDED.rejected,
                                        dead_lettered = delivery_day.dead_lettered + EXCLUDED.dead_lettered""")
                            .execute(Tuple.of(report.tenantId(), report.destination(), end.toLocalDate(), report.updated(),
                                    report.rejected(), report.deadLettered()))
                            .compose(v -> tx.preparedQuery("""
                                            INSERT INTO delivery_summary (tenant_id, kind, last_success_at, last_error_at, last_error_reason, last_error)
                                            VALUES ($1, $2, $3, $4, $5, $6)
                                            ON CONFLICT (tenant_id, kind) DO UPDATE SET
                                                last_success_at = GREATEST(delivery_summary.last_success_at, EXCLUDED.last_success_at),
                                                last_error_reason = CASE WHEN EXCLUDED.last_error_at > delivery_summary.last_error_at
                                                    OR delivery_summary.last_error_at IS NULL THEN EXCLUDED.last_error_reason
                                                    ELSE delivery_summary.last_error_reason END,
                                                last_error = CASE WHEN EXCLUDED.last_error_at > delivery_summary.last_error_at
                                                    OR delivery_summary.last_error_at IS NULL THEN EXCLUDED.last_error
                                                    ELSE delivery_summary.last_error END,
                                                last_error_at = GREATEST(delivery_summary.last_error_at, EXCLUDED.last_error_at)""")
                                    .execute(Tuple.of(report.tenantId(), report.destination(),
                                            utc(report.lastSuccessAt()),
                                            report.lastError() == null ? null : utc(report.lastError().at()),
                                            report.lastError() == null ? null : report.lastError().reason(),
                                            report.lastError() == null ? null : report.lastError().message())))
                            .compose(v -> mergeDay(tx, report, end.toLocalDate()))
                            .compose(v -> mergeTotal(tx, report))
                            .compose(v -> applied.applied(tx, report))
                            .map(true);
                }));
    }

    /**
     * Folds the report's sketch and last subscribers into its day's row, which the upsert before has locked in this
     * transaction (another replica applying a report of the same day waits for it).
     */
    private static Future<Void> mergeDay(SqlConnection tx, DeliveryReport report, LocalDate day) {
        if (report.uniqueSketch() == null && report.lastUpdated().isEmpty()) {
            return Future.succeededFuture();
        }
        Tuple key = Tuple.of(report.tenantId(), report.destination(), day);
        return tx.preparedQuery("SELECT unique_sketch, last_updated FROM delivery_day WHERE tenant_id = $1 AND kind = $2 AND day = $3")
                .execute(key).compose(rows -> {
                    Row row = rows.iterator().next();
                    List<DeliveryReport.Updated> last = DeliveryReport.newest(updatedList(row.getJsonArray("last_updated")),
                            report.lastUpdated());
                    return tx.preparedQuery("UPDATE delivery_day SET unique_sketch = $4, last_updated = $5 "
                                    + "WHERE tenant_id = $1 AND kind = $2 AND day = $3")
                            .execute(Tuple.of(report.tenantId(), report.destination(), day,
                                    merged(row.getBuffer("unique_sketch"), report.uniqueSketch()), updatedJson(last)));
                }).mapEmpty();
    }

    private static Future<Void> mergeTotal(SqlConnection tx, DeliveryReport report) {
        if (report.uniqueSketch() == null) {
            return Future.succeededFuture();
        }
        Tuple key = Tuple.of(report.tenantId(), report.destination());
        return tx.preparedQuery("SELECT unique_sketch FROM delivery_summary WHERE tenant_id = $1 AND kind = $2").execute(key)
                .compose(rows -> tx.preparedQuery("UPDATE delivery_summary SET unique_sketch = $3 WHERE tenant_id = $1 AND kind = $2")
                        .execute(Tuple.of(report.tenantId(), report.destination(),
                                merged(rows.iterator().next().getBuffer("unique_sketch"), report.uniqueSketch()))))
                .mapEmpty();
    }

    /** The union of a stored sketch (null: none yet) and a report's (null: none); null when both are. */
    private static Buffer merged(Buffer stored, byte[] reported) {
        if (reported == null) {
            return stored;
        }
        UniqueSubscribers union = UniqueSubscribers.of(stored == null ? null : stored.getBytes()).add(UniqueSubscribers.of(reported));
        return Buffer.buffer(union.state());
    }

    private static List<DeliveryReport.Updated> updatedList(JsonArray stored) {
        List<DeliveryReport.Updated> out = new ArrayList<>();
        if (stored != null) {
            stored.forEach(o -> {
                JsonObject u = (JsonObject) o;
                out.add(new DeliveryReport.Updated(u.getString("userId"), u.getString("email"), Instant.parse(u.getString("at"))));
            });
        }
        return out;
    }

    private static JsonArray updatedJson(List<DeliveryReport.Updated> updated) {
        JsonArray out = new JsonArray();
        updated.forEach(u -> out.add(new JsonObject().put("userId", u.userId()).put("email", u.email()).put("at", u.at().toString())));
        return out;
    }

    private static Long estimate(Buffer sketch) {
        return sketch == null ? null : UniqueSubscribers.of(sketch.getBytes()).estimate();
    }

    /** Totals, the last {@value #DAYS_SHOWN} days, last success and last error. */
    public Future<JsonObject> summary(String tenantId, DestinationKind kind) {
        Tuple key = Tuple.of(tenantId, kind.wireName());
        Future<JsonObject> totals = pool.preparedQuery("SELECT coalesce(sum(updated), 0) AS updated, coalesce(sum(rejected), 0) AS rejected, "
                        + "coalesce(sum(dead_lettered), 0) AS dead_lettered FROM delivery_day WHERE tenant_id = $1 AND kind = $2")
                .execute(key).map(rows -> counts(rows.iterator().next()));
        Future<JsonArray> days = pool.preparedQuery("SELECT day, updated, rejected, dead_lettered, unique_sketch, last_updated "
                        + "FROM delivery_day WHERE tenant_id = $1 AND kind = $2 ORDER BY day DESC LIMIT " + DAYS_SHOWN)
                .execute(key).map(rows -> {
                    JsonArray out = new JsonArray();
                    rows.forEach(r -> out.add(counts(r).put("day", r.getLocalDate("day").toString())
                            .put("uniqueUpdated", estimate(r.getBuffer("unique_sketch")))
                            .put("lastUpdated", r.getJsonArray("last_updated"))));
                    return out;
                });
        Future<JsonObject> last = pool.preparedQuery("SELECT last_success_at, last_error_at, last_error_reason, last_error, "
                        + "unique_sketch FROM delivery_summary WHERE tenant_id = $1 AND kind = $2")
                .execute(key).map(rows -> {
                    JsonObject out = new JsonObject().putNull("lastSuccessAt").putNull("lastError").putNull("uniqueUpdated")
                            .put("uniqueUpdatedError", UniqueSubscribers.RELATIVE_STANDARD_ERROR);
                    if (rows.size() > 0) {
                        Row r = rows.iterator().next();
                        out.put("uniqueUpdated", estimate(r.getBuffer("unique_sketch")));
                        out.put("lastSuccessAt", instant(r.getOffsetDateTime("last_success_at")));
                        if (r.getOffsetDateTime("last_error_at") != null) {
                            out.put("lastError", new JsonObject().put("at", instant(r.getOffsetDateTime("last_error_at")))
                                    .put("reason", r.getString("last_error_reason")).put("message", r.getString("last_error")));
                        }
                    }
                    return out;
                });
        return Future.all(totals, days, last).map(v -> last.result()
                .put("total", totals.result().put("uniqueUpdated", last.result().remove("uniqueUpdated")))
                .put("days", days.result()));
    }

    private static JsonObject counts(Row r) {
        return new JsonObject().put("updated", r.getLong("updated")).put("rejected", r.getLong("rejected"))
                .put("deadLettered", r.getLong("dead_lettered"));
    }

    private static OffsetDateTime utc(java.time.Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static String instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant().toString();
    }
}
