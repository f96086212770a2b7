package com.subsets.sync.provisioner.store;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ErasureSetting;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * A destination's erasure setting ({@code destination.erasure}, V18: clear or forget). Kept apart from the settings,
 * as the test subscribers are: changing it provisions nothing again; the dispatchers read it with the directory.
 */
public final class ErasureModes {

    private final Pool pool;

    public ErasureModes(Pool pool) {
        this.pool = pool;
    }

    public Future<Void> save(String tenantId, DestinationKind kind, String mode) {
        return pool.preparedQuery("UPDATE destination SET erasure = $3 WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName(), mode)).mapEmpty();
    }

    /** The destination's mode (clear when it is not registered). */
    public Future<String> find(String tenantId, DestinationKind kind) {
        return pool.preparedQuery("SELECT erasure FROM destination WHERE tenant_id = $1 AND kind = $2")
                .execute(Tuple.of(tenantId, kind.wireName()))
                .map(rows -> rows.size() == 0 ? ErasureSetting.CLEAR : rows.iterator().next().getString("erasure"));
    }
}
