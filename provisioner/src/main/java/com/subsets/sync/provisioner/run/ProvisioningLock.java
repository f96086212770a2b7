package com.subsets.sync.provisioner.run;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.function.Function;

/**
 * One provisioning run per destination across every replica: a PostgreSQL session advisory lock, held
 * on its own connection for the whole run. Whoever does not get it leaves the destination to its
 * holder. If the holder dies, PostgreSQL ends its session and the lock is free again at once, so a
 * crashed run never blocks the next one.
 */
public final class ProvisioningLock {

    private final Pool pool;

    public ProvisioningLock(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} on the locked connection, or returns empty at once when another run holds the lock. */
    <T> Future<Optional<T>> withLock(String tenantId, DestinationKind kind, Function<SqlConnection, Future<T>> work) {
        return withKey(key("provisioning/" + tenantId + "/" + kind.wireName()), work);
    }

    /** As above for any other work that must run once at a time across replicas, named e.g. {@code segments/<tenant>}. */
    public <T> Future<Optional<T>> withNamedLock(String name, Function<SqlConnection, Future<T>> work) {
        return withKey(key(name), work);
    }

    private <T> Future<Optional<T>> withKey(long key, Function<SqlConnection, Future<T>> work) {
        return pool.getConnection().compose(connection -> connection.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
                .execute(Tuple.of(key))
                .compose(rows -> {
                    if (!rows.iterator().next().getBoolean("locked")) {
                        return Future.succeededFuture(Optional.<T>empty());
                    }
                    return work.apply(connection)
                            .map(Optional::ofNullable)
                            .eventually(() -> connection.preparedQuery("SELECT pg_advisory_unlock($1)").execute(Tuple.of(key)));
                })
                .eventually(connection::close));
    }

    /** 64 bits of SHA-256: two names sharing a key would only take turns, never both run at once. */
    static long key(String name) {
        byte[] hash = TokenAuthenticator.sha256(name);
        return ByteBuffer.wrap(hash, 0, 8).getLong();
    }
}
