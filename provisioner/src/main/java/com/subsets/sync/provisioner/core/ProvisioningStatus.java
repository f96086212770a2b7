package com.subsets.sync.provisioner.core;

/**
 * Where a destination stands. Only READY destinations are served to the dispatchers. PENDING waits for
 * a run; PROVISIONING has one under way (or had one when its replica died: the next sweep resumes it);
 * FAILED carries the vendor's reason and, when the cause was transient, a time for the next run.
 */
public enum ProvisioningStatus {
    PENDING, PROVISIONING, READY, FAILED
}
