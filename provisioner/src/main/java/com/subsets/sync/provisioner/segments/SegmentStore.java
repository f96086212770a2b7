package com.subsets.sync.provisioner.segments;

import com.subsets.sync.provisioner.erasure.ErasedSubscribers;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Followed segments, their members as of the last complete read, reads under way and the tenants' schedule. */
public final class SegmentStore {

    /** A followed segment as the last reads left it. */
    public record Followed(String segmentId, String name, long members, OffsetDateTime lastReadAt, String lastError,
                           OffsetDateTime lastErrorAt, OffsetDateTime deletedAt, String identifierName) {
    }

    /** A read under way: where its cursor stands, and whether every page is stored. */
    record Read(String readId, String cursor, int pages, boolean complete) {
    }

    /** A segment a subscriber is in, as of that segment's last complete read. */
    public record Membership(String segmentId, String name, OffsetDateTime readAt) {
    }

    private final Pool pool;
    /** Subscribers erased lately: a read does not bring them back as members (issue 29). */
    private final ErasedSubscribers erased;

    public SegmentStore(Pool pool, ErasedSubscribers erased) {
        this.erased = erased;
        this.pool = pool;
    }

    public Future<List<Followed>> followed(String tenantId) {
        return followed(pool, tenantId);
    }

    /** As above, on {@code db} (a read's lock connection). */
    Future<List<Followed>> followed(SqlClient db, String tenantId) {
        return db.preparedQuery("SELECT segment_id, segment_name, members, last_read_at, last_error, last_error_at, deleted_at, identifier_name "
                        + "FROM segment_followed WHERE tenant_id = $1 ORDER BY segment_id")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<Followed> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Followed(r.getString("segment_id"), r.getString("segment_name"), r.getLong("members"),
                            r.getOffsetDateTime("last_read_at"), r.getString("last_error"), r.getOffsetDateTime("last_error_at"),
                            r.getOffsetDateTime("deleted_at"), r.getString("identifier_name"))));
                    return out;
                });
    }

    /**
     * Follows the segment under its current name (again, if BlueConic had deleted one of that id), its members named
     * by {@code identifierName} ({@code email} or {@code userId}): how their exits are published, even once the
     * destination that said so is deleted.
     */
    Future<Void> follow(SqlClient db, String tenantId, String segmentId, String name, String identifierName) {
        return db.preparedQuery("INSERT INTO segment_followed (tenant_id, segment_id, segment_name, identifier_name) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (tenant_id, segment_id) DO UPDATE SET segment_name = EXCLUDED.segment_name, deleted_at = NULL, "
                        + "identifier_name = EXCLUDED.identifier_name")
                .execute(Tuple.of(tenantId, segmentId, name, identifierName)).mapEmpty();
    }

    /** A segment no longer followed, once its members' exits are published: forgotten, with its members. */
    Future<Void> unfollow(SqlClient db, String tenantId, String segmentId) {
        return db.preparedQuery("DELETE FROM segment_followed WHERE tenant_id = $1 AND segment_id = $2")
                .execute(Tuple.of(tenantId, segmentId)).mapEmpty();
    }

    /** The read under way, or a new one from the first page. */
    Future<Read> read(SqlClient db, String tenantId, String segmentId) {
        return db.preparedQuery("INSERT INTO segment_read (tenant_id, segment_id, read_id) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (tenant_id, segment_id) DO UPDATE SET read_id = segment_read.read_id "
                        + "RETURNING read_id, cursor, pages, complete")
                .execute(Tuple.of(tenantId, segmentId, UUID.randomUUID().toString()))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Read(r.getString("read_id"), r.getString("cursor"), r.getInteger("pages"), r.getBoolean("complete"));
                });
    }

    /**
     * A page stored with where the next one starts, in one transaction: a crash resumes after the last page stored. Only
     * the subscribers that are not members are written one a row (the read's entries); the members the page saw are one
     * row for the page; a subscriber erased lately ({@link ErasedSubscribers}) is never an entry. With the last page the
     * members no page saw are staged as the read's exits. So a read of an
     * unchanged segment writes one row per page and none per member.
     *
     * @param page the page's number in the read ({@link Read#pages()} before it)
     */
    Future<Void> page(SqlConnection db, String tenantId, String segmentId, int page, List<String> subscribers, String nextCursor) {
        Tuple pageTuple = Tuple.of(tenantId, segmentId, subscribers.toArray(String[]::new), page);
        return inTransaction(db, tx -> {
            Future<?> staged = subscribers.isEmpty() ? Future.succeededFuture()
                    : tx.preparedQuery("INSERT INTO segment_read_member (tenant_id, segment_id, subscriber) "
                                    + "SELECT $1, $2, u FROM unnest($3::text[], $4::bytea[]) AS t(u, h) WHERE NOT EXISTS (SELECT 1 "
                                    + "FROM segment_member m WHERE m.tenant_id = $1 AND m.segment_id = $2 AND m.subscriber = u) "
                                    + "AND NOT EXISTS (SELECT 1 FROM erased_subscriber e WHERE e.tenant_id = $1 AND e.hash = h "
                                    + "AND e.expires_at > now()) ON CONFLICT DO NOTHING")
                            .execute(Tuple.of(tenantId, segmentId, subscribers.toArray(String[]::new),
                                    erased.hashes(tenantId, subscribers).toArray(Buffer[]::new)))
                            .compose(v -> tx.preparedQuery("INSERT INTO segment_read_seen (tenant_id, segment_id, page, subscribers) "
                                            + "SELECT $1, $2, $4, array_agg(u) FROM unnest($3::text[]) u WHERE EXISTS (SELECT 1 "
                                            + "FROM segment_member m WHERE m.tenant_id = $1 AND m.segment_id = $2 AND m.subscriber = u) "
                                            + "HAVING count(*) > 0 ON CONFLICT DO NOTHING")
                                    .execute(pageTuple));
            return staged.compose(v -> tx.preparedQuery("UPDATE segment_read SET cursor = COALESCE($3, cursor), pages = pages + 1, "
                            + "complete = ($3 IS NULL) WHERE tenant_id = $1 AND segment_id = $2")
                    .execute(Tuple.of(tenantId, segmentId, nextCursor)))
                    .compose(v -> nextCursor != null ? Future.succeededFuture() : stageExits(tx, tenantId, segmentId))
                    .mapEmpty();
        });
    }

    /** The members no page of the complete read saw: its exits, found in one pass and staged for publishing. */
    private static Future<?> stageExits(SqlClient tx, String tenantId, String segmentId) {
        return tx.preparedQuery("WITH seen AS (SELECT DISTINCT unnest(subscribers) AS subscriber FROM segment_read_seen "
                        + "WHERE tenant_id = $1 AND segment_id = $2) "
                        + "INSERT INTO segment_read_exit (tenant_id, segment_id, subscriber) SELECT m.tenant_id, m.segment_id, m.subscriber "
                        + "FROM segment_member m WHERE m.tenant_id = $1 AND m.segment_id = $2 "
                        + "AND NOT EXISTS (SELECT 1 FROM seen s WHERE s.subscriber = m.subscriber) ON CONFLICT DO NOTHING")
                .execute(Tuple.of(tenantId, segmentId));
    }

    /** Drops a read under way (its cursor no longer works): the next read starts from the first page. */
    Future<Void> dropRead(SqlClient db, String tenantId, String segmentId) {
        return db.preparedQuery("DELETE FROM segment_read WHERE tenant_id = $1 AND segment_id = $2")
                .execute(Tuple.of(tenantId, segmentId)).mapEmpty();
    }

    /**
     * Up to {@code limit} subscribers, in order after {@code after}, that entered (in the complete read, not among the
     * members) or exited (among the members, not in the read; every member when the segment was deleted).
     */
    Future<List<String>> changes(SqlClient db, String tenantId, String segmentId, boolean entered, boolean deleted, String after,
                                 int limit) {
        String sql = entered
                ? "SELECT subscriber FROM segment_read_member n WHERE tenant_id = $1 AND segment_id = $2 AND subscriber > $3 "
                        + "AND NOT EXISTS (SELECT 1 FROM segment_member m WHERE m.tenant_id = $1 AND m.segment_id = $2 "
                        + "AND m.subscriber = n.subscriber) ORDER BY subscriber LIMIT $4"
                : deleted ? "SELECT subscriber FROM segment_member WHERE tenant_id = $1 AND segment_id = $2 AND subscriber > $3 "
                        + "ORDER BY subscriber LIMIT $4"
                : "SELECT subscriber FROM segment_read_exit WHERE tenant_id = $1 AND segment_id = $2 AND subscriber > $3 "
                        + "ORDER BY subscriber LIMIT $4";
        return db.preparedQuery(sql).execute(Tuple.of(tenantId, segmentId, after, limit)).map(rows -> {
            List<String> out = new ArrayList<>();
            rows.forEach(r -> out.add(r.getString("subscriber")));
            return out;
        });
    }

    /**
     * The complete read becomes the members, in one transaction: its exits deleted, its entries inserted, nothing else
     * written; the read is gone (its staging with it).
     */
    Future<Long> finish(SqlConnection db, String tenantId, String segmentId) {
        Tuple segment = Tuple.of(tenantId, segmentId);
        return inTransaction(db, tx -> tx.preparedQuery("DELETE FROM segment_member m USING segment_read_exit e WHERE m.tenant_id = $1 "
                                + "AND m.segment_id = $2 AND e.tenant_id = $1 AND e.segment_id = $2 AND e.subscriber = m.subscriber")
                .execute(segment)
                .compose(exited -> tx.preparedQuery("INSERT INTO segment_member (tenant_id, segment_id, subscriber) SELECT tenant_id, "
                                + "segment_id, subscriber FROM segment_read_member WHERE tenant_id = $1 AND segment_id = $2 ON CONFLICT DO NOTHING")
                        .execute(segment)
                        .compose(entered -> tx.preparedQuery("UPDATE segment_followed SET members = members - $3 + $4, last_read_at = now(), "
                                        + "last_error = NULL, last_error_at = NULL WHERE tenant_id = $1 AND segment_id = $2 RETURNING members")
                                .execute(Tuple.of(tenantId, segmentId, exited.rowCount(), entered.rowCount()))))
                .compose(rows -> tx.preparedQuery("DELETE FROM segment_read WHERE tenant_id = $1 AND segment_id = $2")
                        .execute(segment).map(v -> rows.iterator().next().getLong("members"))));
    }

    /** BlueConic no longer has the segment: after its members' exits are published, it has none, and says when it went. */
    Future<Void> deleted(SqlConnection db, String tenantId, String segmentId, String reason) {
        return inTransaction(db, tx -> tx.preparedQuery("DELETE FROM segment_member WHERE tenant_id = $1 AND segment_id = $2")
                .execute(Tuple.of(tenantId, segmentId))
                .compose(v -> tx.preparedQuery("DELETE FROM segment_read WHERE tenant_id = $1 AND segment_id = $2")
                        .execute(Tuple.of(tenantId, segmentId)))
                .compose(v -> tx.preparedQuery("UPDATE segment_followed SET deleted_at = now(), members = 0, last_error = $3, "
                        + "last_error_at = now() WHERE tenant_id = $1 AND segment_id = $2").execute(Tuple.of(tenantId, segmentId, reason)))
                .mapEmpty());
    }

    Future<Void> failed(SqlClient db, String tenantId, String segmentId, String error) {
        return db.preparedQuery("UPDATE segment_followed SET last_error = $3, last_error_at = now() WHERE tenant_id = $1 AND segment_id = $2")
                .execute(Tuple.of(tenantId, segmentId, error.length() > 2000 ? error.substring(0, 2000) : error)).mapEmpty();
    }

    /** The segments the subscriber is in, by the tenant's matching identifier. */
    public Future<List<Membership>> segmentsOf(String tenantId, String subscriber) {
        return pool.preparedQuery("SELECT f.segment_id, f.segment_name, f.last_read_at FROM segment_member m JOIN segment_followed f "
                        + "ON f.tenant_id = m.tenant_id AND f.segment_id = m.segment_id WHERE m.tenant_id = $1 AND m.subscriber = $2 "
                        + "ORDER BY f.segment_id")
                .execute(Tuple.of(tenantId, subscriber))
                .map(rows -> {
                    List<Membership> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Membership(r.getString("segment_id"), r.getString("segment_name"),
                            r.getOffsetDateTime("last_read_at"))));
                    return out;
                });
    }

    /**
     * Tenants whose BlueConic destination was READY and whose next read is due (or never happened), and tenants whose
     * destination is gone while segments of theirs are still followed (their members exit).
     */
    Future<List<String>> due() {
        return pool.query("SELECT r.tenant_id FROM destination_ready r LEFT JOIN segment_schedule s ON s.tenant_id = r.tenant_id "
                        + "WHERE r.kind = 'blueconic' AND (s.next_read_at IS NULL OR s.next_read_at <= now()) "
                        + "AND (jsonb_array_length(COALESCE(r.settings->'followSegments', '[]')) > 0 "
                        + "OR jsonb_array_length(COALESCE(r.settings->'followSegmentTags', '[]')) > 0 "
                        + "OR EXISTS (SELECT 1 FROM segment_followed f WHERE f.tenant_id = r.tenant_id)) "
                        // A deleted destination's segments: their members exit at the next check, whatever the schedule.
                        + "UNION SELECT DISTINCT f.tenant_id FROM segment_followed f WHERE NOT EXISTS (SELECT 1 FROM destination d "
                        + "WHERE d.tenant_id = f.tenant_id AND d.kind = 'blueconic')")
                .execute()
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(r -> out.add(r.getString("tenant_id")));
                    return out;
                });
    }

    /** On the tenant's lock connection: still due (another replica may have just read it)? */
    Future<Boolean> stillDue(SqlConnection connection, String tenantId) {
        return connection.preparedQuery("SELECT 1 FROM segment_schedule WHERE tenant_id = $1 AND next_read_at > now()")
                .execute(Tuple.of(tenantId)).map(rows -> rows.size() == 0);
    }

    Future<Void> scheduleNext(SqlClient db, String tenantId, long afterMillis) {
        return db.preparedQuery("INSERT INTO segment_schedule (tenant_id, next_read_at) VALUES ($1, now() + $2 * interval '1 millisecond') "
                        + "ON CONFLICT (tenant_id) DO UPDATE SET next_read_at = EXCLUDED.next_read_at")
                .execute(Tuple.of(tenantId, afterMillis)).mapEmpty();
    }

    /** The tenant follows nothing any more (its destination is gone): no schedule left. */
    Future<Void> forget(SqlClient db, String tenantId) {
        return db.preparedQuery("DELETE FROM segment_schedule WHERE tenant_id = $1").execute(Tuple.of(tenantId)).mapEmpty();
    }

    /**
     * A transaction on the read's own connection, the one its lock lives on: a read needs no second pooled connection
     * (reads holding connections for their locks while each waited for another starved the pool and the API).
     */
    private static <T> Future<T> inTransaction(SqlConnection connection, java.util.function.Function<SqlClient, Future<T>> work) {
        return connection.begin().compose(tx -> work.apply(connection)
                .compose(result -> tx.commit().map(result),
                        failure -> tx.rollback().transform(ignored -> Future.<T>failedFuture(failure))));
    }

    /** Asks for a read of the tenant now (tests, and a registration that changed what it follows). */
    public Future<Void> readSoon(String tenantId) {
        return pool.preparedQuery("DELETE FROM segment_schedule WHERE tenant_id = $1").execute(Tuple.of(tenantId)).mapEmpty();
    }
}
