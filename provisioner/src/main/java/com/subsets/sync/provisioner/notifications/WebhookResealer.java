package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.provisioner.ProvisionerMetrics;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reseals webhook secrets still under a key other than the active one, as the sweep does for credentials: pages
 * through {@code destination_notification} in (tenant, kind) order; a secret that cannot be opened is logged (never
 * quoted), counted and passed over, so it never holds back the rows behind it; a row changed since it was read (a new
 * secret or URL saved meanwhile) is left to that change.
 */
public final class WebhookResealer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookResealer.class);
    public static final String TABLE = "destination_notification";

    /** A sealed webhook secret as read. */
    record Sealed(String tenantId, DestinationKind kind, String url, SecretBox.Sealed secret) {
    }

    private final Pool pool;
    private final WebhookSecrets secrets;
    private final ProvisionerMetrics metrics;
    private final int batch;

    public WebhookResealer(Pool pool, WebhookSecrets secrets, ProvisionerMetrics metrics, int batch) {
        this.pool = pool;
        this.secrets = secrets;
        this.metrics = metrics;
        this.batch = batch;
    }

    /** One pass over every secret under an older key; then the count still under one (the gauge). */
    public Future<Long> reseal() {
        return page("", "").compose(v -> countOldKey());
    }

    /** Webhook secrets sealed with a key other than the active one. */
    public Future<Long> countOldKey() {
        return pool.preparedQuery("SELECT count(*) AS n FROM destination_notification WHERE webhook_secret_key_id <> $1")
                .execute(Tuple.of(secrets.activeKeyId())).map(rows -> rows.iterator().next().getLong("n"));
    }

    private Future<Void> page(String afterTenant, String afterKind) {
        return stale(afterTenant, afterKind).compose(rows -> {
            Future<Void> chain = Future.succeededFuture();
            for (Sealed row : rows) {
                chain = chain.compose(v -> resealOne(row));
            }
            if (rows.size() < batch) {
                return chain;
            }
            Sealed last = rows.get(rows.size() - 1);
            return chain.compose(v -> page(last.tenantId(), last.kind().wireName()));
        });
    }

    private Future<List<Sealed>> stale(String afterTenant, String afterKind) {
        return pool.preparedQuery("SELECT tenant_id, kind, webhook_url, webhook_secret_key_id, webhook_secret_nonce, webhook_secret_sealed "
                        + "FROM destination_notification WHERE webhook_secret_key_id <> $1 AND (tenant_id, kind) > ($2, $3) "
                        + "ORDER BY tenant_id, kind LIMIT $4")
                .execute(Tuple.of(secrets.activeKeyId(), afterTenant, afterKind, batch))
                .map(rows -> {
                    List<Sealed> out = new ArrayList<>();
                    rows.forEach(r -> out.add(new Sealed(r.getString("tenant_id"), DestinationKind.of(r.getString("kind")).orElseThrow(),
                            r.getString("webhook_url"), new SecretBox.Sealed(r.getString("webhook_secret_key_id"),
                            r.getBuffer("webhook_secret_nonce").getBytes(), r.getBuffer("webhook_secret_sealed").getBytes()))));
                    return out;
                });
    }

    private Future<Void> resealOne(Sealed row) {
        SecretBox.Sealed resealed;
        try {
            resealed = secrets.seal(row.tenantId(), row.kind(), row.url(), secrets.open(row.tenantId(), row.kind(), row.url(), row.secret()));
        } catch (SecretBox.SealException e) {
            metrics.unresealable(TABLE);
            LOG.error("webhook secret of tenant {} ({}) cannot be resealed: {}", row.tenantId(), row.kind().wireName(), e.getMessage());
            return Future.succeededFuture();
        }
        // Only if the row still holds what was read: a secret or URL saved meanwhile is newer and already sealed.
        return pool.preparedQuery("UPDATE destination_notification SET webhook_secret_key_id = $3, webhook_secret_nonce = $4, "
                        + "webhook_secret_sealed = $5 WHERE tenant_id = $1 AND kind = $2 AND webhook_secret_nonce = $6 AND webhook_url = $7")
                .execute(Tuple.of(row.tenantId(), row.kind().wireName(), resealed.keyId(), Buffer.buffer(resealed.nonce()),
                        Buffer.buffer(resealed.ciphertext()), Buffer.buffer(row.secret().nonce()), row.url()))
                .mapEmpty();
    }
}
