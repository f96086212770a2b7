package com.subsets.sync.provisioner.store;

import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DeliveryTarget;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.FieldRecord;
import com.subsets.sync.provisioner.core.ProvisioningStatus;
import com.subsets.sync.provisioner.core.SecretBox;
import com.subsets.sync.provisioner.notifications.Health;
import com.subsets.sync.provisioner.notifications.HealthHook;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every statement about destinations, their provisioning runs and their ledger. */
public final class DestinationStore {

    /** What a registration did: created, changed (revision bumped, provisioning again) or left as it was. */
    public enum Change { CREATED, CHANGED, UNCHANGED }

    /** A ledger row as stored. */
    public record LedgerRow(FieldRecord record, OffsetDateTime createdAt, OffsetDateTime verifiedAt, long attemptId) {
    }

    private static final String COLUMNS = "tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed, secret_binding, "
            + "secret_fingerprint, revision, registration, status, status_reason, retryable, failed_runs, next_attempt_at, updated_at, backfill_on_ready";

    private final Pool pool;
    private final HealthHook health;

    public DestinationStore(Pool pool) {
        this(pool, HealthHook.NONE);
    }

    /** {@code health}: told of each run's outcome inside the transaction that records it (notifications). */
    public DestinationStore(Pool pool, HealthHook health) {
        this.pool = pool;
        this.health = health;
    }

    /**
     * Creates or replaces a registration. A change of settings or credentials bumps the revision and
     * sends the destination back to PENDING; the same registration again changes nothing, unless the
     * destination had FAILED, when it is worth another run.
     */
    public Future<Change> register(String tenantId, DestinationKind kind, JsonObject settings, SecretBox.Sealed sealed,
                                   String fingerprint, boolean backfill) {
        return pool.preparedQuery("""
                INSERT INTO destination (tenant_id, kind, settings, secret_key_id, secret_nonce, secret_sealed,
                                         secret_fingerprint, status, secret_binding)
                VALUES ($1, $2, $3, $4, $5, $6, $7, 'PENDING', $8)
                ON CONFLICT (tenant_id, kind) DO UPDATE SET
                    settings = EXCLUDED.settings, secret_key_id = EXCLUDED.secret_key_id, secret_binding = EXCLUDED.secret_binding,
                    secret_nonce = EXCLUDED.secret_nonce, secret_sealed = EXCLUDED.secret_sealed,
                    secret_fingerprint = EXCLUDED.secret_fingerprint, revision = destination.revision + 1,
                    status = 'PENDING', status_reason = NULL, retryable = false, failed_runs = 0,
                    next_attempt_at = NULL, updated_at = now()
                WHERE destination.settings IS DISTINCT FROM EXCLUDED.settings
                   OR destination.secret_fingerprint IS DISTINCT FROM EXCLUDED.secret_fingerprint
                   OR destination.status = 'FAILED'
                RETURNING (xmax = 0) AS inserted""")
                .execute(Tuple.of(tenantId, kind.wireName(), settings, sealed.keyId(), Buffer.buffer(sealed.nonce()),
                        Buffer.buffer(sealed.ciphertext()), fingerprint, CredentialSealer.CURRENT))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Change.UNCHANGED;
                    }
                    return rows.iterator().next().getBoolean("inserted") ? Change.CREATED : Change.CHANGED;
                })
                // The backfill choice is no setting of the vendor's: changing it alone provisions nothing again.
                .compose(change -> pool.preparedQuery("UPDATE destination SET backfill_on_ready = $3 WHERE tenant_id = $1 AND kind = $2")
                        .execute(Tuple.of(tenantId, kind.wireName(), backfill)).map(change));
    }

    public Future<Optional<StoredDestination>> find(String tenantId, DestinationKind kind) {
        return find(pool, tenantId, kind);
    }

    public Future<Optional<StoredDestination>> find(SqlClient client, String tenantId, DestinationKind kind) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM destination WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(destination(rows.iterator().next())));
    }

    public Future<Boolean> delete(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("DELETE FROM destination WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.rowCount() > 0);
    }

    /**
     * What dispatchers of a kind deliver with: every registered tenant, and for each its last READY revision
     * if one ever became READY (a changed revision being provisioned does not take the last READY one away).
     */
    public Future<List<Dispatchable>> dispatchable(DestinationKind kind) {
        return pool.preparedQuery("SELECT d.tenant_id, d.erasure, r.revision, r.settings, r.secret_key_id, r.secret_nonce, r.secret_sealed, "
                        + "r.secret_binding "
                        + "FROM destination d LEFT JOIN destination_ready r ON r.tenant_id = d.tenant_id AND r.kind = d.kind "
                        + "WHERE d.kind = $1 ORDER BY d.tenant_id")
                .execute(Tuple.of(kind.wireName()))
                .map(rows -> {
                    List<Dispatchable> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Dispatchable(r.getString("tenant_id"), kind, r.getValue("revision") == null ? null : readyRevision(r),
                                r.getString("erasure")));
                    }
                    return out;
                });
    }

    /** A registered tenant's destination and its last READY revision (null when never READY); empty when not registered. */
    public Future<Optional<Dispatchable>> dispatchable(String tenantId, DestinationKind kind) {
        return dispatchable(pool, tenantId, kind);
    }

    /**
     * One tenant's destination of a kind and its last READY revision (null when none was ever READY), on {@code client}
     * (a segment read's lock connection); empty when the tenant has no such destination.
     */
    public Future<Optional<Dispatchable>> dispatchable(SqlClient client, String tenantId, DestinationKind kind) {
        return client.preparedQuery("SELECT d.tenant_id, d.erasure, r.revision, r.settings, r.secret_key_id, r.secret_nonce, "
                        + "r.secret_sealed, r.secret_binding "
                        + "FROM destination d LEFT JOIN destination_ready r ON r.tenant_id = d.tenant_id AND r.kind = d.kind "
                        + "WHERE d.tenant_id = $1 AND d.kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new Dispatchable(tenantId, kind, r.getValue("revision") == null ? null : readyRevision(r),
                            r.getString("erasure")));
                });
    }

    /**
     * A registered tenant's destination and its last READY revision, or null when none was ever READY; its erasure
     * setting ({@code destination.erasure}, V18; clear where it was not read).
     */
    public record Dispatchable(String tenantId, DestinationKind kind, ReadyRevision ready, String erasure) {
        public Dispatchable(String tenantId, DestinationKind kind, ReadyRevision ready) {
            this(tenantId, kind, ready, com.subsets.sync.provisioner.core.ErasureSetting.CLEAR);
        }
    }

    /** A revision that became READY: its settings and its credentials, still sealed ({@code binding}: how). */
    public record ReadyRevision(long revision, JsonObject settings, SecretBox.Sealed sealed, int binding) {
    }

    private static ReadyRevision readyRevision(Row r) {
        return new ReadyRevision(r.getLong("revision"), (JsonObject) r.getValue("settings"), new SecretBox.Sealed(
                r.getString("secret_key_id"), r.getBuffer("secret_nonce").getBytes(), r.getBuffer("secret_sealed").getBytes()),
                r.getInteger("secret_binding"));
    }

    /**
     * Destinations that need a run: PENDING, PROVISIONING (a run may have died with its replica; the
     * lock tells), and FAILED ones whose retry is due.
     */
    public Future<List<StoredDestination>> due(int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination WHERE status IN ('PENDING', 'PROVISIONING') "
                        + "OR (status = 'FAILED' AND retryable AND next_attempt_at <= now()) ORDER BY updated_at LIMIT $1")
                .execute(Tuple.of(limit))
                .map(DestinationStore::destinations);
    }

    /** Where a pass over the rows stands: after this tenant and kind (both empty: from the start). */
    public record Position(String tenantId, String kind) {
        public static final Position START = new Position("", "");
    }

    /**
     * Destinations whose credentials are sealed with a key other than the active one or an older binding, in
     * (tenant, kind) order after {@code after}: a pass pages through them all, so rows that cannot be opened (and
     * stay as they are) never hide the ones behind them.
     */
    public Future<List<StoredDestination>> toReseal(String activeKeyId, Position after, int limit) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM destination WHERE (secret_key_id <> $1 OR secret_binding <> $2) "
                        + "AND (tenant_id, kind) > ($3, $4) ORDER BY tenant_id, kind LIMIT $5")
                .execute(Tuple.of(activeKeyId, CredentialSealer.CURRENT, after.tenantId(), after.kind(), limit))
                .map(DestinationStore::destinations);
    }

    /** Last READY revisions to reseal, as {@link #toReseal}. */
    public Future<List<Dispatchable>> readyToReseal(String activeKeyId, Position after, int limit) {
        return pool.preparedQuery("SELECT tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed, secret_binding "
                        + "FROM destination_ready WHERE (secret_key_id <> $1 OR secret_binding <> $2) AND (tenant_id, kind) > ($3, $4) "
                        + "ORDER BY tenant_id, kind LIMIT $5")
                .execute(Tuple.of(activeKeyId, CredentialSealer.CURRENT, after.tenantId(), after.kind(), limit))
                .map(rows -> {
                    List<Dispatchable> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Dispatchable(r.getString("tenant_id"),
                            DestinationKind.of(r.getString("kind")).orElseThrow(), readyRevision(r))));
                    return out;
                });
    }

    /** Replaces a READY revision's sealed credentials, only if they are still the ones that were read. */
    public Future<Boolean> resealReady(Dispatchable read, SecretBox.Sealed sealed) {
        return pool.preparedQuery("UPDATE destination_ready SET secret_key_id = $3, secret_nonce = $4, secret_sealed = $5, "
                        + "secret_binding = $7 WHERE tenant_id = $1 AND kind = $2 AND secret_nonce = $6 AND settings = $8")
                .execute(Tuple.of(read.tenantId(), read.kind().wireName(), sealed.keyId(), Buffer.buffer(sealed.nonce()),
                        Buffer.buffer(sealed.ciphertext()), Buffer.buffer(read.ready().sealed().nonce()), CredentialSealer.CURRENT,
                        read.ready().settings()))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Replaces the sealed credentials, only if they are still the ones that were read. */
    public Future<Boolean> reseal(StoredDestination read, SecretBox.Sealed sealed) {
        return pool.preparedQuery("UPDATE destination SET secret_key_id = $3, secret_nonce = $4, secret_sealed = $5, "
                        + "secret_binding = $7 WHERE tenant_id = $1 AND kind = $2 AND secret_nonce = $6 AND settings = $8")
                .execute(Tuple.of(read.tenantId(), read.kind().wireName(), sealed.keyId(), Buffer.buffer(sealed.nonce()),
                        Buffer.buffer(sealed.ciphertext()), Buffer.buffer(read.sealed().nonce()), CredentialSealer.CURRENT,
                        read.settings()))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Opens a run for this revision; empty if the destination was deleted or changed since it was read. */
    public Future<Optional<Long>> startAttempt(SqlClient client, StoredDestination destination, String replica) {
        return client.preparedQuery("UPDATE destination SET status = 'PROVISIONING', updated_at = now() "
                        + "WHERE tenant_id = $1 AND kind = $2 AND revision = $3 AND registration = $4")
                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.revision(),
                        destination.registration()))
                .compose(updated -> updated.rowCount() == 0 ? Future.succeededFuture(Optional.empty())
                        : client.preparedQuery("INSERT INTO provisioning_attempt (tenant_id, kind, revision, replica) "
                                        + "VALUES ($1, $2, $3, $4) RETURNING id")
                                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.revision(), replica))
                                .map(rows -> Optional.of(rows.iterator().next().getLong("id"))));
    }

    /**
     * READY and the fields, if the run's registration and revision are still the row's; otherwise the run is
     * SUPERSEDED and writes nothing (a newer revision, or a registration made after a deletion, gets its own run).
     */
    public Future<Void> finishReady(SqlConnection connection, StoredDestination destination, long attemptId, List<FieldRecord> fields) {
        return inTransaction(connection, tx -> tx.preparedQuery("UPDATE destination SET status = 'READY', status_reason = NULL, "
                                + "retryable = false, failed_runs = 0, next_attempt_at = NULL, updated_at = now() "
                                + "WHERE tenant_id = $1 AND kind = $2 AND revision = $3 AND registration = $4")
                        .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.revision(),
                                destination.registration()))
                .compose(updated -> updated.rowCount() == 0 ? finishAttempt(tx, attemptId, "SUPERSEDED", null)
                        : writeLedger(tx, destination, attemptId, fields)
                                .compose(v -> lastReady(tx, destination))
                                .compose(before -> snapshotReady(tx, destination)
                                        .compose(v -> requestBackfill(tx, destination))
                                        .compose(v -> backfillMovedTarget(tx, destination, before)))
                                .compose(v -> health.observed(tx, destination.tenantId(), destination.kind(),
                                        Health.Observation.READY, null))
                                .compose(v -> finishAttempt(tx, attemptId, "READY", null))));
    }

    public Future<Void> finishFailed(SqlConnection connection, StoredDestination destination, long attemptId,
                                     List<FieldRecord> fields, String reason, boolean retryable, OffsetDateTime nextAttemptAt) {
        return inTransaction(connection, tx -> tx.preparedQuery("UPDATE destination SET status = 'FAILED', status_reason = $4, "
                                + "retryable = $5, failed_runs = failed_runs + 1, next_attempt_at = $6, updated_at = now() "
                                + "WHERE tenant_id = $1 AND kind = $2 AND revision = $3 AND registration = $7")
                        .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.revision(), reason,
                                retryable, nextAttemptAt, destination.registration()))
                .compose(updated -> updated.rowCount() == 0 ? finishAttempt(tx, attemptId, "SUPERSEDED", reason)
                        : writeLedger(tx, destination, attemptId, fields)
                                .compose(v -> health.observed(tx, destination.tenantId(), destination.kind(),
                                        Health.Observation.FAILED, reason))
                                .compose(v -> finishAttempt(tx, attemptId, "FAILED", reason))));
    }

    /**
     * A registration's first READY asks for a backfill of every subscriber, unless it opted out. An opted-out first
     * READY is marked too ({@code backfill_requested}: the first READY is past), so turning the backfill on later
     * does not make a later revision's READY (a rotated key) a first one.
     */
    private static Future<Void> requestBackfill(SqlClient tx, StoredDestination destination) {
        return tx.preparedQuery("""
                WITH first AS (UPDATE destination SET backfill_requested = true
                               WHERE tenant_id = $1 AND kind = $2 AND registration = $3 AND NOT backfill_requested
                               RETURNING tenant_id, kind, backfill_on_ready)
                INSERT INTO destination_resync (tenant_id, kind, reason, detail) SELECT tenant_id, kind, 'ready',
                    'the destination became READY' FROM first WHERE backfill_on_ready""")
                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.registration())).mapEmpty();
    }

    /** The revision READY before this one, read under the lock the READY update holds on the destination row. */
    private static Future<Optional<ReadySettings>> lastReady(SqlClient tx, StoredDestination destination) {
        return tx.preparedQuery("SELECT revision, settings FROM destination_ready WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rows.iterator().next();
                    return Optional.of(new ReadySettings(r.getLong("revision"), (JsonObject) r.getValue("settings")));
                });
    }

    private record ReadySettings(long revision, JsonObject settings) {
    }

    /**
     * A READY revision that moves the destination (another project, region or identifier; another instance or
     * matching property: {@link DeliveryTarget}) finds none of the tenant at its target, so it asks for a backfill
     * of every subscriber like a first READY, unless the registration opted out. Once per revision: another run
     * of the same revision finds it as the last READY one.
     */
    private static Future<Void> backfillMovedTarget(SqlClient tx, StoredDestination destination, Optional<ReadySettings> before) {
        if (before.isEmpty() || before.get().revision() >= destination.revision()) {
            return Future.succeededFuture();
        }
        DeliveryTarget was = DeliveryTarget.of(destination.kind(), before.get().settings());
        DeliveryTarget now = DeliveryTarget.of(destination.kind(), destination.settings());
        if (now.equals(was)) {
            return Future.succeededFuture();
        }
        return tx.preparedQuery("""
                INSERT INTO destination_resync (tenant_id, kind, reason, detail)
                SELECT tenant_id, kind, 'target', $4 FROM destination
                WHERE tenant_id = $1 AND kind = $2 AND registration = $3 AND backfill_on_ready""")
                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.registration(),
                        "the destination became READY at another target (" + now.changesFrom(was) + ")")).mapEmpty();
    }

    /** This revision, as it is stored, becomes what dispatchers deliver with. */
    private static Future<Void> snapshotReady(SqlClient tx, StoredDestination destination) {
        return tx.preparedQuery("""
                INSERT INTO destination_ready (tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed,
                                               secret_binding)
                SELECT tenant_id, kind, revision, settings, secret_key_id, secret_nonce, secret_sealed, secret_binding FROM destination
                WHERE tenant_id = $1 AND kind = $2 AND revision = $3 AND registration = $4
                ON CONFLICT (tenant_id, kind) DO UPDATE SET revision = EXCLUDED.revision, settings = EXCLUDED.settings,
                    secret_key_id = EXCLUDED.secret_key_id, secret_nonce = EXCLUDED.secret_nonce,
                    secret_sealed = EXCLUDED.secret_sealed, secret_binding = EXCLUDED.secret_binding""")
                .execute(Tuple.of(destination.tenantId(), destination.kind().wireName(), destination.revision(),
                        destination.registration())).mapEmpty();
    }

    /**
     * A transaction on the connection a run holds its lock on: the outcome needs no second connection (runs
     * holding every pooled connection while each waited for one more starved each other and the API), and a
     * lost session, which also means a lost lock, fails the write instead of recording a run nobody guarded.
     */
    private static <T> Future<T> inTransaction(SqlConnection connection, java.util.function.Function<SqlClient, Future<T>> work) {
        return connection.begin().compose(tx -> work.apply(connection)
                .compose(result -> tx.commit().map(result),
                        failure -> tx.rollback().transform(ignored -> Future.<T>failedFuture(failure))));
    }

    private static Future<Void> writeLedger(SqlClient tx, StoredDestination destination, long attemptId, List<FieldRecord> fields) {
        if (fields.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> batch = new ArrayList<>();
        for (FieldRecord f : fields) {
            batch.add(Tuple.of(destination.tenantId(), destination.kind().wireName(), f.field().name(), f.remoteName(),
                    f.remoteType(), f.action().name(), attemptId));
        }
        // created_at is set by the run that created the field and kept by every later verification.
        return tx.preparedQuery("""
                INSERT INTO provisioned_field (tenant_id, kind, field, remote_name, remote_type, action, created_at, verified_at, attempt_id)
                VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6 = 'CREATED' THEN now() END, now(), $7)
                ON CONFLICT (tenant_id, kind, field) DO UPDATE SET
                    remote_name = EXCLUDED.remote_name, remote_type = EXCLUDED.remote_type, action = EXCLUDED.action,
                    created_at = COALESCE(provisioned_field.created_at, EXCLUDED.created_at),
                    verified_at = EXCLUDED.verified_at, attempt_id = EXCLUDED.attempt_id""")
                .executeBatch(batch).mapEmpty();
    }

    private static Future<Void> finishAttempt(SqlClient tx, long attemptId, String outcome, String reason) {
        return tx.preparedQuery("UPDATE provisioning_attempt SET finished_at = now(), outcome = $2, reason = $3 WHERE id = $1")
                .execute(Tuple.of(attemptId, outcome, reason)).mapEmpty();
    }

    public Future<List<LedgerRow>> ledger(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT field, remote_name, remote_type, action, created_at, verified_at, attempt_id "
                        + "FROM provisioned_field WHERE tenant_id = $1 AND kind = $2 ORDER BY field")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> {
                    List<LedgerRow> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new LedgerRow(new FieldRecord(com.subsets.sync.model.DestinationField.valueOf(r.getString("field")),
                                r.getString("remote_name"), r.getString("remote_type"), FieldRecord.Action.valueOf(r.getString("action"))),
                                r.getOffsetDateTime("created_at"), r.getOffsetDateTime("verified_at"), r.getLong("attempt_id")));
                    }
                    return out;
                });
    }

    /** Rows whose credentials are sealed with a key other than the active one, per table (key rotation's progress). */
    public Future<Map<String, Long>> countOldKey(String activeKeyId) {
        return pool.preparedQuery("SELECT 'destination' AS t, count(*) AS n FROM destination WHERE secret_key_id <> $1 "
                        + "UNION ALL SELECT 'destination_ready', count(*) FROM destination_ready WHERE secret_key_id <> $1")
                .execute(Tuple.of(activeKeyId)).map(rows -> {
                    Map<String, Long> counts = new HashMap<>();
                    rows.forEach(r -> counts.put(r.getString("t"), r.getLong("n")));
                    return counts;
                });
    }

    /** Destinations per kind and status (for the gauge operators alert on). */
    public Future<Map<String, Long>> countByStatus() {
        return pool.query("SELECT kind, status, count(*) AS n FROM destination GROUP BY kind, status").execute().map(rows -> {
            Map<String, Long> counts = new HashMap<>();
            rows.forEach(r -> counts.put(r.getString("kind") + "/" + r.getString("status"), r.getLong("n")));
            return counts;
        });
    }

    /** How many runs were started for a destination (tests and the status view). */
    public Future<Long> attempts(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT count(*) AS n FROM provisioning_attempt WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.iterator().next().getLong("n"));
    }

    private static List<StoredDestination> destinations(RowSet<Row> rows) {
        List<StoredDestination> out = new ArrayList<>();
        rows.forEach(r -> out.add(destination(r)));
        return out;
    }

    private static StoredDestination destination(Row r) {
        return new StoredDestination(r.getString("tenant_id"), DestinationKind.of(r.getString("kind")).orElseThrow(),
                (JsonObject) r.getValue("settings"),
                new SecretBox.Sealed(r.getString("secret_key_id"), r.getBuffer("secret_nonce").getBytes(),
                        r.getBuffer("secret_sealed").getBytes()),
                r.getInteger("secret_binding"), r.getString("secret_fingerprint"), r.getLong("revision"), r.getLong("registration"),
                ProvisioningStatus.valueOf(r.getString("status")),
                r.getString("status_reason"), r.getBoolean("retryable"), r.getInteger("failed_runs"),
                r.getOffsetDateTime("next_attempt_at"), r.getOffsetDateTime("updated_at"), r.getBoolean("backfill_on_ready"));
    }
}
