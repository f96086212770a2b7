package com.subsets.sync.provisioner.run;

/** What a request for a provisioning run came to. */
public enum RunResult {
    /** The fields are as needed: the destination is READY. */
    READY,
    /** The run failed; the destination's status carries the reason. */
    FAILED,
    /** Another run (on this replica or another) holds the destination: it will settle the status. */
    BUSY,
    /** Nothing was due (the sweep found it done by another replica). */
    NOT_DUE,
    /** The destination changed or was deleted during the run: the newer revision gets its own run. */
    SUPERSEDED,
    NOT_FOUND
}
