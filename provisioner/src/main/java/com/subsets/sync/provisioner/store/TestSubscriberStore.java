package com.subsets.sync.provisioner.store;

import com.subsets.sync.model.Subscriber;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.TestSubscribers;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The test subscribers saved on a destination ({@code destination.test_subscribers}, V17): what a test delivery sends
 * when its body names none. Kept apart from the settings: changing them provisions nothing again and reaches no dispatcher.
 */
public final class TestSubscriberStore {

    private final Pool pool;

    public TestSubscriberStore(Pool pool) {
        this.pool = pool;
    }

    /** Replaces the destination's list (empty: none saved). */
    public Future<Void> save(String tenantId, DestinationKind kind, List<Subscriber> subscribers) {
        return pool.preparedQuery("UPDATE destination SET test_subscribers = $3 WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName(), TestSubscribers.json(subscribers)))
                .mapEmpty();
    }

    /** The saved list, empty when none is (or the destination is not registered). */
    public Future<List<Subscriber>> find(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT test_subscribers FROM destination WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> {
                    List<Subscriber> out = new ArrayList<>();
                    if (rows.size() > 0) {
                        JsonArray saved = rows.iterator().next().getJsonArray("test_subscribers");
                        saved.forEach(o -> {
                            JsonObject entry = (JsonObject) o;
                            out.add(new Subscriber(entry.getString("userId"), entry.getString("email")));
                        });
                    }
                    return out;
                });
    }
}
