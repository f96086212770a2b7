package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The erasures and where each stands per destination ({@code erasure}, {@code erasure_destination}), and what an
 * erasure removes from the provisioner's own tables: the subscriber's {@code subscriber_delivery} rows, their
 * identifiers among the run history's last subscribers updated, and their segment memberships (each published as an
 * exit before the transaction commits).
 */
public final class ErasureStore {

    /** A dispatcher's answer to an erase row: the trail row with its erasureId, at a destination of a tenant. */
    /** @param at when the dispatcher had the answer (its record's time) */
    public record Answer(String tenantId, String kind, SubscriberDeliveries.Row row, Instant at) {
    }

    private static final String[] KINDS = Arrays.stream(DestinationKind.values()).map(DestinationKind::wireName).toArray(String[]::new);

    private final Pool pool;
    private final ErasedSubscribers erased;

    public ErasureStore(Pool pool, ErasedSubscribers erased) {
        this.pool = pool;
        this.erased = erased;
    }

    /**
     * In one transaction: the erasure (once: a repeated record changes nothing already there) with a pending row per
     * destination the tenant has, the subscriber's delivery rows and run-history identifiers deleted, and their segment
     * memberships removed; {@code publishExits} is handed the exits before the commit, and the transaction commits only
     * once it succeeded (a failure rolls everything back: the record is applied again, the exits published again with
     * the same changeIds). The number of exits.
     */
    public Future<Integer> record(Erasure erasure, Function<List<SegmentMembership>, Future<Void>> publishExits) {
        String tenantId = erasure.tenantId();
        Subscriber who = erasure.subscriber();
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO erasure (tenant_id, erasure_id, erased_at) VALUES ($1, $2, $3) "
                                + "ON CONFLICT DO NOTHING")
                        .execute(Tuple.of(tenantId, erasure.erasureId(), erasure.erasedAt().atOffset(ZoneOffset.UTC)))
                .compose(v -> tx.preparedQuery("INSERT INTO erasure_destination (tenant_id, erasure_id, kind, mode, status) "
                                + "SELECT tenant_id, $2, kind, erasure, 'pending' FROM destination "
                                + "WHERE tenant_id = $1 ON CONFLICT DO NOTHING")
                        .execute(Tuple.of(tenantId, erasure.erasureId())))
                .compose(v -> deleteDeliveries(tx, tenantId, who))
                .compose(v -> forgetRecentlyUpdated(tx, tenantId, who))
                .compose(v -> remember(tx, erasure))
                .compose(v -> removeMemberships(tx, erasure))
                .compose(exits -> exits.isEmpty() ? Future.succeededFuture(0) : publishExits.apply(exits).map(exits.size())));
    }

    /** Every row of the subscriber: under each of their state keys (by userId, by e-mail), and every row naming their e-mail. */
    private static Future<Void> deleteDeliveries(SqlConnection tx, String tenantId, Subscriber who) {
        Set<String> keys = new LinkedHashSet<>();
        if (who.userId() != null) {
            keys.add(SubscriberKey.ofUserId(tenantId, who.userId()).encode());
        }
        if (who.email() != null) {
            keys.add(SubscriberKey.ofEmail(tenantId, who.email()).encode());
        }
        return tx.preparedQuery("DELETE FROM subscriber_delivery WHERE tenant_id = $1 AND ((kind = ANY($2) AND state_key = ANY($3)) "
                        + "OR email = $4)")
                .execute(Tuple.from(Arrays.asList(tenantId, KINDS, keys.toArray(String[]::new), who.email())))
                .mapEmpty();
    }

    /** The subscriber leaves each day's last five updated (the days' counts and unique sketches hold no identifier). */
    private static Future<Void> forgetRecentlyUpdated(SqlConnection tx, String tenantId, Subscriber who) {
        String theirs = "((x->>'userId') = $2) IS TRUE OR ((x->>'email') = $3) IS TRUE";
        return tx.preparedQuery("UPDATE delivery_day SET last_updated = COALESCE((SELECT jsonb_agg(x ORDER BY o) "
                        + "FROM jsonb_array_elements(last_updated) WITH ORDINALITY AS t(x, o) WHERE NOT (" + theirs + ")), '[]'::jsonb) "
                        + "WHERE tenant_id = $1 AND EXISTS (SELECT 1 FROM jsonb_array_elements(last_updated) AS t(x) WHERE " + theirs + ")")
                .execute(Tuple.from(Arrays.asList(tenantId, who.userId(), who.email())))
                .mapEmpty();
    }

    /**
     * Their identifiers' hashes, for {@link ErasedSubscribers#memory()} from now, so that a segment read does not bring
     * them back; the hashes whose time is up go.
     */
    private Future<Void> remember(SqlConnection tx, Erasure erasure) {
        List<Buffer> hashes = erased.hashesOf(erasure.tenantId(), erasure.subscriber());
        return tx.preparedQuery("DELETE FROM erased_subscriber WHERE expires_at < now()").execute()
                .compose(v -> tx.preparedQuery("INSERT INTO erased_subscriber (tenant_id, hash, expires_at) "
                                + "SELECT $1, h, now() + $3::bigint * interval '1 millisecond' FROM unnest($2::bytea[]) h "
                                + "ON CONFLICT (tenant_id, hash) DO UPDATE SET expires_at = EXCLUDED.expires_at")
                        .execute(Tuple.of(erasure.tenantId(), hashes.toArray(Buffer[]::new), erased.memory().toMillis())))
                .mapEmpty();
    }

    /** Their memberships of followed segments (by the identifier each segment names members by), as exits to publish. */
    private static Future<List<SegmentMembership>> removeMemberships(SqlConnection tx, Erasure erasure) {
        Subscriber who = erasure.subscriber();
        List<String> ids = new ArrayList<>();
        if (who.userId() != null) {
            ids.add(who.userId());
        }
        if (who.email() != null) {
            ids.add(who.email());
        }
        return tx.preparedQuery("DELETE FROM segment_member m USING segment_followed f WHERE m.tenant_id = $1 AND m.subscriber = ANY($2) "
                        + "AND f.tenant_id = m.tenant_id AND f.segment_id = m.segment_id "
                        + "AND ((f.identifier_name = 'email' AND m.subscriber = $3) OR (f.identifier_name = 'userId' AND m.subscriber = $4)) "
                        + "RETURNING m.segment_id, f.segment_name, f.identifier_name, m.subscriber")
                .execute(Tuple.from(Arrays.asList(erasure.tenantId(), ids.toArray(String[]::new), who.email(), who.userId())))
                .compose(rows -> {
                    Instant now = Instant.now();
                    List<SegmentMembership> exits = new ArrayList<>();
                    List<String> segments = new ArrayList<>();
                    for (Row r : rows) {
                        segments.add(r.getString("segment_id"));
                        // The change id is the same however often the record is applied: "erasure/<id>" stands for the read.
                        exits.add(SegmentMembership.of(erasure.tenantId(), r.getString("segment_id"), r.getString("segment_name"),
                                r.getString("identifier_name"), r.getString("subscriber"), SegmentMembership.Change.EXITED, now,
                                "erasure/" + erasure.erasureId()));
                    }
                    if (segments.isEmpty()) {
                        return Future.succeededFuture(exits);
                    }
                    return tx.preparedQuery("UPDATE segment_followed SET members = GREATEST(0, members - 1) WHERE tenant_id = $1 "
                                    + "AND segment_id = ANY($2)")
                            .execute(Tuple.of(erasure.tenantId()).addArrayOfString(segments.toArray(String[]::new))).map(exits);
                });
    }

    /**
     * The dispatchers' answers to erase rows, in one transaction, each as {@link ErasureStatus#of} makes it with the
     * destination's mode (the row's, else the destination's setting) and Iterable identifier; written unless the row
     * already went further. An answer may come before the erasure record: its row is written all the same.
     */
    public Future<Void> answers(List<Answer> answers) {
        return pool.withTransaction(tx -> {
            Future<Void> chain = Future.succeededFuture();
            for (Answer answer : answers) {
                chain = chain.compose(v -> answer(tx, answer));
            }
            return chain;
        });
    }

    private static Future<Void> answer(SqlConnection tx, Answer answer) {
        DestinationKind kind = DestinationKind.of(answer.kind()).orElse(null);
        String erasureId = answer.row().erasureId();
        return forgetDeliveriesBefore(tx, answer).compose(v -> tx.preparedQuery("SELECT COALESCE(x.mode, d.erasure, 'clear') AS mode, d.settings->>'identifier' AS identifier "
                        + "FROM (SELECT 1) one LEFT JOIN destination d ON d.tenant_id = $1 AND d.kind = $3 "
                        + "LEFT JOIN erasure_destination x ON x.tenant_id = $1 AND x.erasure_id = $2 AND x.kind = $3")
                .execute(Tuple.from(Arrays.asList(answer.tenantId(), erasureId, answer.kind())))
                .compose(rows -> {
                    Row r = rows.iterator().next();
                    String mode = r.getString("mode");
                    ErasureStatus status = ErasureStatus.of(answer.row(), kind, mode, r.getString("identifier"));
                    return tx.preparedQuery("""
                            INSERT INTO erasure_destination AS x (tenant_id, erasure_id, kind, mode, status, reason, detail,
                                forget_identifier, forget_next_at)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $5 = 'forget_queued' THEN now() END)
                            ON CONFLICT (tenant_id, erasure_id, kind) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
                                detail = EXCLUDED.detail, forget_identifier = EXCLUDED.forget_identifier,
                                forget_next_at = EXCLUDED.forget_next_at, forget_attempts = 0, forget_claimed_by = NULL,
                                forget_claimed_until = NULL, updated_at = now()
                            WHERE erasure_status_rank(x.status) < erasure_status_rank(EXCLUDED.status)
                               OR (x.status = 'failed' AND EXCLUDED.status = 'failed')""")
                            .execute(Tuple.from(Arrays.asList(answer.tenantId(), erasureId, answer.kind(), mode, status.status(),
                                    status.reason(), status.detail(), status.forgetIdentifier())))
                            .mapEmpty();
                }));
    }

    /**
     * The destination's answers about the subscriber up to the erase row's, read after the erasure record took them away
     * (a dispatcher behind, answers of states sent before the erasure): gone again. Answers after it (the subscriber came
     * back) stay.
     */
    private static Future<Void> forgetDeliveriesBefore(SqlConnection tx, Answer answer) {
        Subscriber who = answer.row().subscriber();
        List<String> keys = new ArrayList<>(2);
        if (who.userId() != null) {
            keys.add(SubscriberKey.ofUserId(answer.tenantId(), who.userId()).encode());
        }
        if (who.email() != null) {
            keys.add(SubscriberKey.ofEmail(answer.tenantId(), who.email()).encode());
        }
        return tx.preparedQuery("DELETE FROM subscriber_delivery WHERE tenant_id = $1 AND kind = $2 AND answered_at < $5 "
                        + "AND (state_key = ANY($3) OR email = $4)")
                .execute(Tuple.from(Arrays.asList(answer.tenantId(), answer.kind(), keys.toArray(String[]::new), who.email(),
                        answer.at().atOffset(ZoneOffset.UTC))))
                .mapEmpty();
    }

    /** The erasure as the endpoint shows it; empty when its record has not arrived (or never will). */
    public Future<Optional<JsonObject>> find(String tenantId, String erasureId) {
        Tuple key = Tuple.of(tenantId, erasureId);
        return pool.preparedQuery("SELECT erased_at, received_at FROM erasure WHERE tenant_id = $1 AND erasure_id = $2").execute(key)
                .compose(rows -> {
                    if (rows.size() == 0) {
                        return Future.succeededFuture(Optional.<JsonObject>empty());
                    }
                    Row e = rows.iterator().next();
                    return pool.preparedQuery("SELECT kind, mode, status, reason, detail, updated_at FROM erasure_destination "
                                    + "WHERE tenant_id = $1 AND erasure_id = $2 ORDER BY kind DESC")
                            .execute(key)
                            .map(destinations -> {
                                JsonArray out = new JsonArray();
                                destinations.forEach(d -> out.add(new JsonObject().put("kind", d.getString("kind"))
                                        .put("mode", d.getString("mode")).put("status", d.getString("status"))
                                        .put("reason", d.getString("reason")).put("detail", d.getString("detail"))
                                        .put("updatedAt", d.getOffsetDateTime("updated_at").toInstant().toString())));
                                return Optional.of(new JsonObject().put("erasureId", erasureId).put("tenantId", tenantId)
                                        .put("erasedAt", e.getOffsetDateTime("erased_at").toInstant().toString())
                                        .put("receivedAt", e.getOffsetDateTime("received_at").toInstant().toString())
                                        .put("destinations", out));
                            });
                });
    }
}
