package com.subsets.sync.provisioner.store;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.ProvisioningStatus;
import com.subsets.sync.provisioner.core.SecretBox;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * A destination row: settings in the clear, the credentials still sealed. {@code registration} tells a
 * registration from one made after it was deleted, whose revisions start again at 1. {@code binding}: how the sealed
 * secret's associated data was formed ({@link com.subsets.sync.provisioner.core.CredentialSealer}). {@code backfill}: its
 * first READY, and a READY revision at another target, resync every subscriber.
 */
public record StoredDestination(String tenantId, DestinationKind kind, JsonObject settings, SecretBox.Sealed sealed,
                                int binding, String fingerprint, long revision, long registration, ProvisioningStatus status, String statusReason,
                                boolean retryable, int failedRuns, OffsetDateTime nextAttemptAt, OffsetDateTime updatedAt,
                                boolean backfill) {
}
