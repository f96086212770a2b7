package com.subsets.sync.dispatch.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a request the vendor refused as a body (a 400 naming some of its rows, or a 5xx or timeout while other
 * requests of the budget succeed), sent again on their own and halved on each failure until the rows at fault are
 * alone: everyone else is delivered at once. It keeps the time its rows first failed, so a row that fails alone is
 * given up on (dead-lettered) at the give-up time, whatever path brought it.
 */
public final class RetryChunk {

    private final List<SubscriberUpdate> rows;
    private final long firstFailureMillis;
    private final int attempt;
    private final long notBeforeMillis;

    public RetryChunk(List<SubscriberUpdate> rows, long firstFailureMillis, int attempt, long notBeforeMillis) {
        this.rows = List.copyOf(rows);
        this.firstFailureMillis = firstFailureMillis;
        this.attempt = attempt;
        this.notBeforeMillis = notBeforeMillis;
    }

    public List<SubscriberUpdate> rows() {
        return rows;
    }

    public long firstFailureMillis() {
        return firstFailureMillis;
    }

    /** Failed attempts of its rows so far. */
    public int attempt() {
        return attempt;
    }

    public boolean due(long nowMillis) {
        return nowMillis >= notBeforeMillis;
    }

    public boolean isolated() {
        return rows.size() == 1;
    }

    /** The two halves of these rows, each to go on its own no sooner than {@code notBeforeMillis}. */
    public List<RetryChunk> halves(long notBeforeMillis) {
        int half = rows.size() / 2;
        List<RetryChunk> halves = new ArrayList<>(2);
        halves.add(new RetryChunk(rows.subList(0, half), firstFailureMillis, attempt + 1, notBeforeMillis));
        halves.add(new RetryChunk(rows.subList(half, rows.size()), firstFailureMillis, attempt + 1, notBeforeMillis));
        return halves;
    }

    /** The same rows once more, no sooner than {@code notBeforeMillis}. */
    public RetryChunk again(long notBeforeMillis) {
        return new RetryChunk(rows, firstFailureMillis, attempt + 1, notBeforeMillis);
    }

    /** The same rows without those that match (rows of a partition no longer owned). */
    public RetryChunk without(java.util.function.Predicate<SubscriberUpdate> dropped) {
        return new RetryChunk(rows.stream().filter(dropped.negate()).toList(), firstFailureMillis, attempt, notBeforeMillis);
    }
}
