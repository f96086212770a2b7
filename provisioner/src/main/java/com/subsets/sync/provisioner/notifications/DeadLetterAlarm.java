package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.model.DeliveryReport;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.store.DeliveryHistoryStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Dead letters above a destination's threshold in an hour ({@code notifications.deadLettersPerHour}): each delivery
 * report with dead letters adds them to its window end's minute, and the hour before it (60 minutes) is compared with
 * the threshold. A notice goes out when the count reaches it, and again only once it has fallen below and reached it again.
 * Runs inside the transaction that applies the report, under a row lock per destination, so each crossing is queued
 * once whichever replica applies the report (and never for a report rolled back).
 */
public final class DeadLetterAlarm implements DeliveryHistoryStore.Applied {

    /** The alarm after a report: whether the count is at or above the threshold, and whether that is told ({@code tell}). */
    public record Decision(boolean above, boolean tell) {
    }

    private final int defaultThreshold;

    /** {@code defaultThreshold}: for settings saved before thresholds were kept (PROVISIONER_NOTIFY_DEAD_LETTERS_PER_HOUR). */
    public DeadLetterAlarm(int defaultThreshold) {
        this.defaultThreshold = defaultThreshold;
    }

    /**
     * Pure. {@code before}: the hour's dead letters without this report's, {@code after}: with them. Below the
     * threshold just before this report, the alarm is armed again even if it was last told above: between two reports
     * the count only falls (minutes leave the hour), so its lowest is {@code before}.
     */
    public static Decision decide(boolean wasAbove, long before, long after, int threshold) {
        boolean armed = !wasAbove || before < threshold;
        boolean above = after >= threshold;
        return new Decision(above, above && armed);
    }

    @Override
    public Future<Void> applied(SqlConnection tx, DeliveryReport report) {
        Optional<DestinationKind> kind = DestinationKind.of(report.destination());
        if (report.deadLettered() <= 0 || kind.isEmpty()) {
            return Future.succeededFuture();
        }
        OffsetDateTime minute = report.windowEnd().atOffset(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
        Tuple key = Tuple.of(report.tenantId(), report.destination());
        // The alarm row exists (for a registered destination) and is locked: reports of one destination apply one at a time here.
        return tx.preparedQuery("INSERT INTO dead_letter_alarm (tenant_id, kind, above) SELECT $1, $2, false "
                        + "WHERE EXISTS (SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2) ON CONFLICT DO NOTHING")
                .execute(key)
                .compose(v -> tx.preparedQuery("""
                        SELECT a.above, COALESCE(n.dead_letters_per_hour, $4) AS threshold, n.tenant_id AS notified,
                               (SELECT COALESCE(sum(m.dead_lettered), 0) FROM dead_letter_minute m WHERE m.tenant_id = $1 AND m.kind = $2
                                AND m.minute > $3::timestamptz - interval '1 hour' AND m.minute <= $3::timestamptz) AS before
                        FROM dead_letter_alarm a LEFT JOIN destination_notification n ON n.tenant_id = a.tenant_id AND n.kind = a.kind
                        WHERE a.tenant_id = $1 AND a.kind = $2 FOR UPDATE OF a""")
                        .execute(Tuple.of(report.tenantId(), report.destination(), minute, defaultThreshold)))
                // Counted only for a registered destination (no alarm row: deleted), so nothing stays behind it.
                .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : tx.preparedQuery("""
                                INSERT INTO dead_letter_minute (tenant_id, kind, minute, dead_lettered) VALUES ($1, $2, $3, $4)
                                ON CONFLICT (tenant_id, kind, minute) DO UPDATE SET dead_lettered = dead_letter_minute.dead_lettered + EXCLUDED.dead_lettered""")
                        .execute(Tuple.of(report.tenantId(), report.destination(), minute, report.deadLettered()))
                        .compose(v -> tx.preparedQuery("DELETE FROM dead_letter_minute WHERE tenant_id = $1 AND kind = $2 "
                                        + "AND minute < $3::timestamptz - interval '2 hours'")
                                .execute(Tuple.of(report.tenantId(), report.destination(), minute)))
                        .compose(v -> alarm(tx, report, kind.get(), minute, rows.iterator().next())));
    }

    private static Future<Void> alarm(SqlConnection tx, DeliveryReport report, DestinationKind kind, OffsetDateTime minute, Row row) {
        boolean wasAbove = row.getBoolean("above");
        long before = row.getLong("before");
        long after = before + report.deadLettered();
        int threshold = row.getInteger("threshold");
        Decision decision = decide(wasAbove, before, after, threshold);
        Future<Void> changed = decision.above() == wasAbove ? Future.succeededFuture()
                : tx.preparedQuery("UPDATE dead_letter_alarm SET above = $3, changed_at = now() WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(report.tenantId(), report.destination(), decision.above())).mapEmpty();
        if (!decision.tell() || row.getString("notified") == null) {
            return changed;
        }
        DeliveryReport.LastError error = report.lastError();
        JsonObject details = new JsonObject().put("deadLettered", after).put("deadLettersPerHour", threshold)
                .put("from", minute.minusHours(1).toInstant().toString()).put("to", report.windowEnd().toString())
                .put("errorReason", error == null ? null : error.reason());
        return changed.compose(v -> NotificationStore.enqueue(tx, report.tenantId(), kind, NoticeType.DEAD_LETTERS,
                error == null ? null : error.message(), details));
    }
}
