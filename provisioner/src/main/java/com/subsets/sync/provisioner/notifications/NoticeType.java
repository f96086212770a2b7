package com.subsets.sync.provisioner.notifications;

/** A notice's type, as webhooks receive it ({@code type}). */
public enum NoticeType {
    /** Provisioning failed: nothing new reaches the vendor until it works. */
    FAILED("destination.failed", "FAILED", true),
    /** READY, but the dispatcher lane is parked: the vendor keeps failing. */
    DEGRADED("destination.degraded", "DEGRADED", true),
    /** Back to READY after FAILED or DEGRADED. */
    RECOVERED("destination.recovered", "READY", true),
    /** A backfill, resync or replay finished ({@code every_run} only). */
    RUN_FINISHED("run.finished", null, false),
    /** The dead letters of the last hour reached the destination's {@code deadLettersPerHour}. */
    DEAD_LETTERS("destination.dead_letters", null, true),
    /** The day's counts, once a day ({@code every_run} only). */
    DAILY_SUMMARY("daily.summary", null, false);

    private final String wireName;
    private final String status;
    private final boolean onFailures;

    NoticeType(String wireName, String status, boolean onFailures) {
        this.wireName = wireName;
        this.status = status;
        this.onFailures = onFailures;
    }

    public String wireName() {
        return wireName;
    }

    /** The destination's status this notice reports (null: it reports a run). */
    public String status() {
        return status;
    }

    /** Sent to destinations notified on {@code failures} too (otherwise only on {@code every_run}). */
    public boolean onFailures() {
        return onFailures;
    }

    public static NoticeType of(String wireName) {
        for (NoticeType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown notice type " + wireName);
    }
}
