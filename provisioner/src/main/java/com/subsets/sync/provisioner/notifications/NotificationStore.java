package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every statement about notifications: the destinations' settings, the health last notified, the outbox of notices
 * with a delivery per channel, each claimed by one replica at a time, and every attempt to send.
 */
public final class NotificationStore implements HealthHook {

    /** Settings as stored: the webhook secret still sealed. */
    public record Stored(List<String> emails, NotificationSettings.NotifyOn on, String webhookUrl, SecretBox.Sealed webhookSecret,
                         String secretFingerprint, int deadLettersPerHour) {
        public JsonObject view() {
            return NotificationSettings.view(emails, webhookUrl, secretFingerprint, on, deadLettersPerHour);
        }
    }

    /** A delivery this replica claimed: its notice and where it goes (null settings: the destination was deleted). */
    public record Claimed(long deliveryId, String channel, int attempt, Notice notice, Stored settings) {
    }

    private final Pool pool;
    /** The threshold of settings saved before thresholds were kept (V17: a null column). */
    private final int defaultDeadLettersPerHour;

    public NotificationStore(Pool pool) {
        this(pool, NotificationConfig.DEFAULT_DEAD_LETTERS_PER_HOUR);
    }

    public NotificationStore(Pool pool, int defaultDeadLettersPerHour) {
        this.pool = pool;
        this.defaultDeadLettersPerHour = defaultDeadLettersPerHour;
    }

    /** Replaces a destination's settings ({@code settings} null: it has none); the webhook secret comes sealed. */
    public Future<Void> save(String tenantId, DestinationKind kind, NotificationSettings settings, SecretBox.Sealed sealed,
                             String fingerprint) {
        if (settings == null) {
            return pool.preparedQuery("DELETE FROM destination_notification WHERE tenant_id = $1 AND kind = $2")
                    .execute(Tuple.of(tenantId, kind.wireName())).mapEmpty();
        }
        String url = settings.webhook() == null ? null : settings.webhook().url();
        return pool.preparedQuery("""
                INSERT INTO destination_notification (tenant_id, kind, emails, notify_on, webhook_url, webhook_secret_key_id,
                                                      webhook_secret_nonce, webhook_secret_sealed, webhook_secret_fingerprint,
                                                      dead_letters_per_hour)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE EXISTS (SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2)
                ON CONFLICT (tenant_id, kind) DO UPDATE SET emails = EXCLUDED.emails, notify_on = EXCLUDED.notify_on,
                    webhook_url = EXCLUDED.webhook_url, webhook_secret_key_id = EXCLUDED.webhook_secret_key_id,
                    webhook_secret_nonce = EXCLUDED.webhook_secret_nonce, webhook_secret_sealed = EXCLUDED.webhook_secret_sealed,
                    webhook_secret_fingerprint = EXCLUDED.webhook_secret_fingerprint,
                    dead_letters_per_hour = EXCLUDED.dead_letters_per_hour, updated_at = now()""")
                .execute(Tuple.from(Arrays.asList(tenantId, kind.wireName(), settings.emails().toArray(String[]::new),
                        settings.on().wireName(), url, sealed == null ? null : sealed.keyId(),
                        sealed == null ? null : Buffer.buffer(sealed.nonce()), sealed == null ? null : Buffer.buffer(sealed.ciphertext()),
                        fingerprint, settings.deadLettersPerHour())))
                .mapEmpty();
    }

    public Future<Optional<Stored>> find(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT emails, notify_on, webhook_url, webhook_secret_key_id, webhook_secret_nonce, "
                        + "webhook_secret_sealed, webhook_secret_fingerprint, dead_letters_per_hour FROM destination_notification WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(stored(rows.iterator().next())));
    }

    @Override
    public Future<Void> observed(SqlClient tx, String tenantId, DestinationKind kind, Health.Observation observation, String reason) {
        Tuple key = Tuple.of(tenantId, kind.wireName());
        // The row exists (inserted NEW if not) and is locked: observations of one destination apply one after the other.
        return tx.preparedQuery("INSERT INTO destination_health (tenant_id, kind, health) SELECT $1, $2, 'NEW' "
                        + "WHERE EXISTS (SELECT 1 FROM destination WHERE tenant_id = $1 AND kind = $2) ON CONFLICT DO NOTHING")
                .execute(key)
                .compose(v -> tx.preparedQuery("SELECT health FROM destination_health WHERE tenant_id = $1 AND kind = $2 FOR UPDATE")
                        .execute(key))
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture();
                    }
                    Health before = Health.valueOf(rows.iterator().next().getString("health"));
                    Health.Transition transition = before.after(observation);
                    if (transition.next() == before) {
                        return Future.succeededFuture();
                    }
                    return tx.preparedQuery("UPDATE destination_health SET health = $3, reason = $4, since = now() "
                                    + "WHERE tenant_id = $1 AND kind = $2")
                            .execute(Tuple.of(tenantId, kind.wireName(), transition.next().name(), reason))
                            .compose(u -> transition.notice() == null ? Future.succeededFuture()
                                    : enqueue(tx, tenantId, kind, transition.notice(), reason, new JsonObject()));
                });
    }

    @Override
    public Future<Void> runFinished(SqlClient tx, String tenantId, DestinationKind kind, JsonObject details, String lastError) {
        return enqueue(tx, tenantId, kind, NoticeType.RUN_FINISHED, lastError, details);
    }

    /** The notice, and a delivery for each channel the destination has that wants this type. */
    static Future<Void> enqueue(SqlClient tx, String tenantId, DestinationKind kind, NoticeType type, String reason,
                                        JsonObject details) {
        return tx.preparedQuery("""
                WITH event AS (INSERT INTO notification_event (tenant_id, kind, type, status, reason, details)
                               VALUES ($1, $2, $3, $4, $5, $6) RETURNING id)
                INSERT INTO notification_delivery (event_id, channel)
                SELECT event.id, c.channel FROM event, destination_notification n,
                       LATERAL (VALUES ('email', cardinality(n.emails) > 0), ('webhook', n.webhook_url IS NOT NULL)) AS c(channel, wanted)
                WHERE n.tenant_id = $1 AND n.kind = $2 AND c.wanted AND ($7 OR n.notify_on = 'every_run')""")
                .execute(Tuple.from(Arrays.asList(tenantId, kind.wireName(), type.wireName(), type.status(), reason, details,
                        type.onFailures())))
                .mapEmpty();
    }

    /**
     * Claims up to {@code limit} deliveries that are due and claimed by nobody (or whose claim ran out: its replica
     * died), for {@code leaseMillis}: replicas skip each other's rows, so each is sent by one at a time.
     */
    public Future<List<Claimed>> claim(String replica, long leaseMillis, int limit) {
        return pool.preparedQuery("""
                WITH claimed AS (
                    UPDATE notification_delivery d SET claimed_by = $1, claimed_until = now() + $2::bigint * interval '1 millisecond',
                                                       attempts = attempts + 1
                    WHERE d.id IN (SELECT id FROM notification_delivery WHERE status = 'PENDING' AND next_attempt_at <= now()
                                   AND (claimed_until IS NULL OR claimed_until < now())
                                   ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
                    RETURNING d.id, d.event_id, d.channel, d.attempts)
                SELECT c.id, c.channel, c.attempts, e.event_id, e.tenant_id, e.kind, e.type, e.reason, e.details, e.occurred_at,
                       n.tenant_id AS configured, n.emails, n.notify_on, n.webhook_url, n.webhook_secret_key_id, n.webhook_secret_nonce,
                       n.webhook_secret_sealed, n.webhook_secret_fingerprint, n.dead_letters_per_hour
                FROM claimed c JOIN notification_event e ON e.id = c.event_id
                LEFT JOIN destination_notification n ON n.tenant_id = e.tenant_id AND n.kind = e.kind
                ORDER BY c.id""")
                .execute(Tuple.of(replica, leaseMillis, limit))
                .map(rows -> {
                    List<Claimed> out = new ArrayList<>();
                    for (Row r : rows) {
                        Notice notice = new Notice(r.getUUID("event_id").toString(), NoticeType.of(r.getString("type")),
                                r.getString("tenant_id"), r.getString("kind"), r.getString("reason"), (JsonObject) r.getValue("details"),
                                r.getOffsetDateTime("occurred_at").toInstant());
                        out.add(new Claimed(r.getLong("id"), r.getString("channel"), r.getInteger("attempts"), notice,
                                r.getString("configured") == null ? null : stored(r)));
                    }
                    return out;
                });
    }

    /** How an attempt went: SENT, RETRY (at {@code nextAttemptAt}), FAILED (given up) or DROPPED (nowhere to send). */
    public enum Outcome { SENT, RETRY, FAILED, DROPPED }

    /** Records an attempt and where its delivery stands, if this replica still holds the claim. */
    public Future<Void> record(Claimed claimed, String replica, Outcome outcome, Integer statusCode, String error,
                               OffsetDateTime nextAttemptAt) {
        String status = switch (outcome) {
            case SENT -> "SENT";
            case RETRY -> "PENDING";
            case FAILED -> "FAILED";
            case DROPPED -> "DROPPED";
        };
        return pool.withTransaction(tx -> tx.preparedQuery("""
                        UPDATE notification_delivery SET status = $3, next_attempt_at = COALESCE($4, next_attempt_at),
                            last_error = $5, sent_at = CASE WHEN $3 = 'SENT' THEN now() END, claimed_by = NULL, claimed_until = NULL
                        WHERE id = $1 AND claimed_by = $2""")
                .execute(Tuple.from(Arrays.asList(claimed.deliveryId(), replica, status, nextAttemptAt, error)))
                .compose(v -> outcome == Outcome.DROPPED ? Future.succeededFuture()
                        : tx.preparedQuery("INSERT INTO notification_attempt (delivery_id, attempt, replica, outcome, status_code, error) "
                                        + "VALUES ($1, $2, $3, $4, $5, $6)")
                                .execute(Tuple.from(Arrays.asList(claimed.deliveryId(), claimed.attempt(), replica,
                                        outcome == Outcome.RETRY ? "RETRY" : status, statusCode, error))))
                .mapEmpty());
    }

    /** Deliveries not sent yet, per channel (a gauge: a growing number means a receiver or the relay is down). */
    public Future<java.util.Map<String, Long>> pending() {
        return pool.query("SELECT channel, count(*) AS n FROM notification_delivery WHERE status = 'PENDING' GROUP BY channel")
                .execute().map(rows -> {
                    java.util.Map<String, Long> counts = new java.util.HashMap<>();
                    rows.forEach(r -> counts.put(r.getString("channel"), r.getLong("n")));
                    return counts;
                });
    }

    private Stored stored(Row r) {
        String[] emails = r.getArrayOfStrings("emails");
        SecretBox.Sealed sealed = r.getString("webhook_secret_key_id") == null ? null : new SecretBox.Sealed(
                r.getString("webhook_secret_key_id"), r.getBuffer("webhook_secret_nonce").getBytes(),
                r.getBuffer("webhook_secret_sealed").getBytes());
        return new Stored(emails == null ? List.of() : List.of(emails), NotificationSettings.NotifyOn.of(r.getString("notify_on")),
                r.getString("webhook_url"), sealed, r.getString("webhook_secret_fingerprint"),
                r.getInteger("dead_letters_per_hour") == null ? defaultDeadLettersPerHour : r.getInteger("dead_letters_per_hour"));
    }
}
