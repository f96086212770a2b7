package com.subsets.sync.provisioner.segments;

/** A segment read that failed: a stable {@code reason} (a metric label) and BlueConic's words. */
public final class SegmentReadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public final String reason;

    SegmentReadException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }
}
