package com.subsets.sync.dispatch.core;

/**
 * Tells "this body fails" from "the vendor fails", per budget (what the vendor limits as one: an Iterable project, a
 * BlueConic instance and application). A fresh batch that fails (5xx, timeout, no answer, an unreadable answer) while
 * another request of the budget succeeded within {@code windowMillis} is the body's failure: it is narrowed down
 * ({@link RetryChunk}) and nobody else waits. One that fails with no success that recent starts an outage: the
 * budget then sends one small request at a time, at most every {@code probeEveryMillis}, its lanes keep their rows
 * without backing off each on its own, and the first success ends it, so every lane resumes at once. Failures of
 * rows already being narrowed down say nothing of the vendor and never start an outage.
 */
public final class BudgetHealth {

    /** What a failure says. */
    public enum Verdict {
        /** The vendor answers other requests: the rows at fault are to be found. */
        BODY,
        /** The vendor is failing as a whole: keep the rows, probe. */
        VENDOR
    }

    private final long windowMillis;
    private final long probeEveryMillis;
    private long lastSuccessMillis = Long.MIN_VALUE;
    private long outageSinceMillis = -1;
    private boolean probedYet;
    private long lastProbeMillis;

    public BudgetHealth(long windowMillis, long probeEveryMillis) {
        this.windowMillis = windowMillis;
        this.probeEveryMillis = probeEveryMillis;
    }

    /** A request of the budget succeeded (at least in part): any outage is over. */
    public void succeeded(long nowMillis) {
        lastSuccessMillis = nowMillis;
        outageSinceMillis = -1;
    }

    /**
     * A request of the budget failed as a whole. {@code narrowing}: its rows were already being narrowed down.
     */
    public Verdict failed(long nowMillis, boolean narrowing) {
        if (outageSinceMillis >= 0) {
            return Verdict.VENDOR;
        }
        if (narrowing || lastSuccessMillis != Long.MIN_VALUE && nowMillis - lastSuccessMillis <= windowMillis) {
            return Verdict.BODY;
        }
        outageSinceMillis = nowMillis;
        return Verdict.VENDOR;
    }

    public boolean inOutage() {
        return outageSinceMillis >= 0;
    }

    /** When the outage began, or -1. */
    public long outageSinceMillis() {
        return outageSinceMillis;
    }

    /** In an outage, whether a probe may go now (the caller sends one only when nothing else is out). */
    public boolean probeDue(long nowMillis) {
        return !probedYet || nowMillis - lastProbeMillis >= probeEveryMillis;
    }

    public void probed(long nowMillis) {
        probedYet = true;
        lastProbeMillis = nowMillis;
    }
}
