package com.subsets.sync.provisioner.segments;

import com.subsets.sync.model.SegmentMembership;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/** A segment's pages read from BlueConic, from the read's cursor to the last, each staged before the next is asked for. */
final class SegmentPages {

    private final SegmentClient client;
    private final SegmentStore store;
    private final SegmentMetrics metrics;
    private final int pageSize;

    SegmentPages(SegmentClient client, SegmentStore store, SegmentMetrics metrics, int pageSize) {
        this.client = client;
        this.store = store;
        this.metrics = metrics;
        this.pageSize = pageSize;
    }

    /**
     * Every page from the read's cursor to the last, one after another. A loop that completes one promise, not a chain of
     * futures composed page by page: such a chain keeps each page's closure, and so its identifiers, until the last page
     * completes it, about 70 bytes a member (bench/segments.sh: 188 MB live after 2,400 pages of 1,000; out of a 256 MB
     * heap before 5,000,000 members were in).
     */
    Future<Void> read(SqlConnection db, String tenantId, SegmentSource source, SegmentClient.Segment segment, SegmentStore.Read read) {
        if (read.complete()) {
            return Future.succeededFuture();
        }
        Promise<Void> done = Promise.promise();
        nextPage(db, tenantId, source, segment, read, done);
        return done.future();
    }

    private void nextPage(SqlConnection db, String tenantId, SegmentSource source, SegmentClient.Segment segment, SegmentStore.Read read,
                          Promise<Void> done) {
        client.page(source.credentials(), segment.id(), source.matchingProperty(), read.cursor(), pageSize)
                .compose(page -> {
                    // Only values an event could name the subscriber by: the rest (no value, a NUL, kilobytes of text, not
                    // an address) name nobody, and PostgreSQL could not store or index some of them.
                    List<String> identifiers = page.identifiers().stream()
                            .filter(v -> SegmentMembership.isIdentifier(source.identifierName(), v)).distinct().toList();
                    metrics.unmatched((int) page.identifiers().stream()
                            .filter(v -> !SegmentMembership.isIdentifier(source.identifierName(), v)).count());
                    String next = page.nextCursor();
                    return store.page(db, tenantId, segment.id(), read.pages(), identifiers, next).map(v -> next);
                })
                .onSuccess(next -> {
                    if (next == null) {
                        done.complete();
                    } else {
                        nextPage(db, tenantId, source, segment, new SegmentStore.Read(read.readId(), next, read.pages() + 1, false), done);
                    }
                })
                .onFailure(done::fail);
    }
}
