package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.DestinationField;

/**
 * One field as a provisioning run left it at the vendor: a ledger row.
 *
 * @param remoteName the vendor's id or name (BlueConic property id, Iterable field name)
 * @param remoteType the vendor's type (BlueConic filterType, Iterable field type)
 */
public record FieldRecord(DestinationField field, String remoteName, String remoteType, Action action) {

    public enum Action {
        /** The run made it exist. */
        CREATED,
        /** It existed with other settings; the run repaired them. */
        UPDATED,
        /** It existed as needed; the run left it untouched. */
        VERIFIED
    }
}
