package com.subsets.sync.provisioner.store;

import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The subscribers a replay or a test delivery names, one row each ({@code destination_resync_subscriber}): written in
 * pages inside the transaction that queues the resync, paged by key by the dispatcher that runs it, and deleted when it
 * is DONE (but a test delivery's, which its verdict reads back).
 */
public final class ResyncSubscribers {

    /** Rows per INSERT: one statement's array stays a few hundred KB however many a replay names. */
    public static final int WRITE_PAGE = 10_000;

    /** One page of a resync's keys, ordered by key; {@code next} the last when the page is full (more may follow). */
    public record Page(long resyncId, String tenantId, long count, List<String> subscribers, String next) {
    }

    private final Pool pool;

    public ResyncSubscribers(Pool pool) {
        this.pool = pool;
    }

    /** Writes {@code keys} (distinct) of resync {@code id}, {@value #WRITE_PAGE} rows a statement, in order, on {@code tx}. */
    static Future<Void> write(SqlClient tx, long id, List<String> keys) {
        Future<Void> chain = Future.succeededFuture();
        for (int from = 0; from < keys.size(); from += WRITE_PAGE) {
            int start = from;
            String[] page = keys.subList(from, Math.min(keys.size(), from + WRITE_PAGE)).toArray(String[]::new);
            chain = chain.compose(v -> tx.preparedQuery("INSERT INTO destination_resync_subscriber (resync_id, subscriber, ordinal) "
                            + "SELECT $1, k, $3 + n FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n)")
                    .execute(Tuple.of(id, page, start)).mapEmpty());
        }
        return chain;
    }

    /** A finished resync's keys go, but a test delivery's (its verdict reads them back). */
    static Future<Void> forgetFinished(SqlClient tx, long id) {
        return tx.preparedQuery("DELETE FROM destination_resync_subscriber s USING destination_resync r "
                        + "WHERE s.resync_id = $1 AND r.id = s.resync_id AND r.reason <> 'test'")
                .execute(Tuple.of(id)).mapEmpty();
    }

    /**
     * Up to {@code limit} keys of a kind's resync not DONE that names subscribers, after {@code after} (null: from the
     * first), ordered by key; empty when there is no such resync.
     */
    public Future<Optional<Page>> page(DestinationKind kind, long id, String after, int limit) {
        return pool.preparedQuery("SELECT tenant_id, subscriber_count FROM destination_resync "
                        + "WHERE id = $1 AND kind = $2 AND status <> 'DONE' AND subscriber_count IS NOT NULL")
                .execute(Tuple.of(id, kind.wireName()))
                .compose(found -> {
                    if (found.size() == 0) {
                        return Future.succeededFuture(Optional.<Page>empty());
                    }
                    String tenantId = found.iterator().next().getString("tenant_id");
                    long count = found.iterator().next().getLong("subscriber_count");
                    return pool.preparedQuery("SELECT subscriber FROM destination_resync_subscriber "
                                    + "WHERE resync_id = $1 AND ($2::text IS NULL OR subscriber > $2) ORDER BY subscriber LIMIT $3")
                            .execute(Tuple.of(id, after, limit))
                            .map(rows -> {
                                List<String> keys = new ArrayList<>(rows.size());
                                rows.forEach(r -> keys.add(r.getString("subscriber")));
                                String next = keys.size() == limit ? keys.get(keys.size() - 1) : null;
                                return Optional.of(new Page(id, tenantId, count, keys, next));
                            });
                });
    }

    /** Every key a resync names, in the order named: a test delivery's few, read back. */
    public Future<List<String>> named(long id) {
        return pool.preparedQuery("SELECT subscriber FROM destination_resync_subscriber WHERE resync_id = $1 ORDER BY ordinal")
                .execute(Tuple.of(id))
                .map(rows -> {
                    List<String> keys = new ArrayList<>(rows.size());
                    rows.forEach(r -> keys.add(r.getString("subscriber")));
                    return keys;
                });
    }
}
