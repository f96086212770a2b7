package com.subsets.sync.provisioner.vendor;

import com.subsets.sync.provisioner.core.FieldRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Makes the five fields exist at one vendor, idempotently: what exists as needed is left untouched. */
public interface FieldProvisioner {

    /**
     * Checks the credentials and provisions the fields, adding each field's record to {@code progress}
     * as soon as it is settled (so a failed run still records what it did). Fails with a
     * {@link com.subsets.sync.provisioner.core.ProvisioningFailure} saying why.
     */
    Future<Void> provision(JsonObject settings, JsonObject secret, List<FieldRecord> progress);
}
