package com.subsets.sync.provisioner.core;

/**
 * Why a provisioning run could not finish, in words for the tenant (the vendor's own text included).
 * {@code retryable}: the cause may pass (throttling, vendor busy or unreachable) and a later run is
 * scheduled; otherwise someone must change something (credentials, the project's fields).
 */
public final class ProvisioningFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final boolean retryable;

    public ProvisioningFailure(boolean retryable, String reason) {
        super(reason, null, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
