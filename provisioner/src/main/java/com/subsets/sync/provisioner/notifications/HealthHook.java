package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.provisioner.core.DestinationKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

/**
 * Called inside the transaction that records a change of a destination's health (a provisioning run's outcome, a
 * parking, a recovery) or a finished run: what it writes commits or rolls back with the change, so a notice is queued
 * once per change, never for a change that was not recorded, and nothing is sent from here (sending never holds up
 * provisioning or delivery).
 */
public interface HealthHook {

    HealthHook NONE = new HealthHook() {
        @Override
        public Future<Void> observed(SqlClient tx, String tenantId, DestinationKind kind, Health.Observation observation, String reason) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> runFinished(SqlClient tx, String tenantId, DestinationKind kind, JsonObject details, String lastError) {
            return Future.succeededFuture();
        }
    };

    /** {@code reason}: the vendor's words (a run's failure, a parking's reason), null when there are none. */
    Future<Void> observed(SqlClient tx, String tenantId, DestinationKind kind, Health.Observation observation, String reason);

    /** A backfill, resync or replay finished; {@code details}: its id, reason, sent and total. */
    Future<Void> runFinished(SqlClient tx, String tenantId, DestinationKind kind, JsonObject details, String lastError);
}
