package com.subsets.sync.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The real PostgreSQL works through vertx-pg-client: a committed transaction persists, a failed one leaves nothing. */
@ExtendWith({RealServices.class, VertxExtension.class})
class PostgresTransactionIT {

    private Pool pool;

    @BeforeEach
    void connect(PostgresService postgres, Vertx vertx) throws Exception {
        PostgresEndpoint db = postgres.createDatabase("infra_kit");
        pool = PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port())
                        .setDatabase(db.database()).setUser(db.user()).setPassword(db.password()))
                .using(vertx)
                .build();
        await(pool.query("CREATE TABLE deliveries (tenant text PRIMARY KEY, delivered bigint NOT NULL)").execute());
    }

    @AfterEach
    void close() throws Exception {
        await(pool.close());
    }

    @Test
    void committedTransactionIsVisibleAfterwards() throws Exception {
        await(pool.withTransaction(tx -> tx
                .preparedQuery("INSERT INTO deliveries VALUES ($1, $2)").execute(Tuple.of("acme", 10L))
                .compose(v -> tx.preparedQuery("UPDATE deliveries SET delivered = delivered + $2 WHERE tenant = $1")
                        .execute(Tuple.of("acme", 5L)))));

        List<Row> rows = await(pool.query("SELECT tenant, delivered FROM deliveries").execute()).stream().toList();
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getString("tenant")).isEqualTo("acme");
        assertThat(rows.get(0).getLong("delivered")).isEqualTo(15L);
    }

    @Test
    void failedTransactionIsRolledBackWhole() throws Exception {
        var outcome = pool.withTransaction(tx -> tx
                .preparedQuery("INSERT INTO deliveries VALUES ($1, $2)").execute(Tuple.of("acme", 10L))
                .compose(v -> tx.preparedQuery("INSERT INTO deliveries VALUES ($1, $2)").execute(Tuple.of("acme", 1L))));
        assertThatThrownBy(() -> outcome.await(30, TimeUnit.SECONDS))
                .as("the duplicate key fails the transaction")
                .hasMessageContaining("23505");

        long count = await(pool.query("SELECT count(*) FROM deliveries").execute()).iterator().next().getLong(0);
        assertThat(count).isZero();
    }

    private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.await(30, TimeUnit.SECONDS);
    }
}
