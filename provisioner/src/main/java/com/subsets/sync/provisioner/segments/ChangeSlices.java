package com.subsets.sync.provisioner.segments;

import com.subsets.sync.model.SegmentMembership;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;

/**
 * A segment read's changes published: its entries, then its exits (or every member's exit), read from the staged read
 * a slice at a time, each slice acknowledged by Kafka before the next is read, in order, with the read's id.
 */
final class ChangeSlices {

    private static final int CHANGES_PER_SLICE = 2_000;

    private final SegmentStore store;
    private final MembershipPublisher publisher;
    private final SegmentMetrics metrics;

    ChangeSlices(SegmentStore store, MembershipPublisher publisher, SegmentMetrics metrics) {
        this.store = store;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** Entries then exits (or, when {@code all}, every member's exit), slice by slice, each acknowledged by Kafka. */
    Future<Void> publish(SqlConnection db, String tenantId, String identifierName, String segmentId, String name,
                                        String readId, boolean all) {
        Instant observedAt = Instant.now();
        Future<Void> entries = all ? Future.succeededFuture()
                : slices(db, tenantId, identifierName, segmentId, name, readId, true, false, "", observedAt);
        return entries.compose(v -> slices(db, tenantId, identifierName, segmentId, name, readId, false, all, "", observedAt));
    }

    /** Slice after slice, as the reader's pages: a loop completing one promise, so a published slice is not kept until the last. */
    private Future<Void> slices(SqlConnection db, String tenantId, String identifierName, String segmentId, String name, String readId,
                                boolean entered, boolean all, String after, Instant observedAt) {
        Promise<Void> done = Promise.promise();
        nextSlice(db, tenantId, identifierName, segmentId, name, readId, entered, all, after, observedAt, done);
        return done.future();
    }

    private void nextSlice(SqlConnection db, String tenantId, String identifierName, String segmentId, String name, String readId,
                           boolean entered, boolean all, String after, Instant observedAt, Promise<Void> done) {
        store.changes(db, tenantId, segmentId, entered, all, after, CHANGES_PER_SLICE).compose(subscribers -> {
            if (subscribers.isEmpty()) {
                return Future.<String>succeededFuture(null);
            }
            SegmentMembership.Change change = entered ? SegmentMembership.Change.ENTERED : SegmentMembership.Change.EXITED;
            List<SegmentMembership> changes = subscribers.stream().map(s -> SegmentMembership.of(tenantId, segmentId, name,
                    identifierName, s, change, observedAt, readId)).toList();
            String last = subscribers.size() < CHANGES_PER_SLICE ? null : subscribers.get(subscribers.size() - 1);
            return publisher.publish(changes).map(v -> {
                metrics.changes(change, changes.size());
                return last;
            });
        }).onSuccess(last -> {
            if (last == null) {
                done.complete();
            } else {
                nextSlice(db, tenantId, identifierName, segmentId, name, readId, entered, all, last, observedAt, done);
            }
        }).onFailure(done::fail);
    }
}
