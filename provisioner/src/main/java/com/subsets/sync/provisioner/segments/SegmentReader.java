package com.subsets.sync.provisioner.segments;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.run.ProvisioningLock;
import com.subsets.sync.provisioner.run.RunSlots;
import com.subsets.sync.provisioner.store.DestinationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the members of each BlueConic segment a tenant follows, every {@code interval} per tenant, and publishes what
 * changed since the last complete read. One read of a tenant at a time across replicas (a PostgreSQL advisory lock),
 * one request at a time within it (well inside the instance's concurrency). Every query of a read runs on its lock's
 * connection, and reads take a slot of the limit they share with provisioning runs, so reads never starve the pool.
 * A segment's pages are stored as they come, with the cursor of the next, so a crash resumes the read; its changes
 * are published and its members replaced only once every page is in, so a read that fails midway publishes nothing
 * for that segment. Memory stays bounded by a page: members live in PostgreSQL, and changes are published in slices.
 * A segment no longer followed (unfollowed, its tag removed, the destination deleted) has its members' exits
 * published before it is forgotten; a followed segment is declared deleted only when a direct read of it answers 404,
 * never because one listing missed it.
 */
public final class SegmentReader {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentReader.class);
    private static final long CHECK_MILLIS = 2_000;

    private final Vertx vertx;
    private final SegmentStore store;
    private final DestinationStore destinations;
    private final CredentialSealer secrets;
    private final ProvisioningLock lock;
    private final RunSlots slots;
    private final SegmentClient client;
    private final MembershipPublisher publisher;
    private final ChangeSlices changes;
    private final SegmentMetrics metrics;
    private final long intervalMillis;
    /** After a read that failed somewhere, the next comes this soon (or at the interval, if that is sooner): it resumes. */
    private final long retryMillis;
    private final SegmentPages pages;
    /** Reads under way in this replica, by tenant. */
    private final Map<String, Future<Void>> reading = new java.util.HashMap<>();
    private long timer = -1;

    public SegmentReader(Vertx vertx, SegmentStore store, DestinationStore destinations, CredentialSealer secrets, ProvisioningLock lock,
                         RunSlots slots, SegmentClient client, MembershipPublisher publisher, SegmentMetrics metrics, long intervalMillis,
                         long retryMillis, int pageSize) {
        this.vertx = vertx;
        this.store = store;
        this.destinations = destinations;
        this.secrets = secrets;
        this.lock = lock;
        this.slots = slots;
        this.client = client;
        this.publisher = publisher;
        this.changes = new ChangeSlices(store, publisher, metrics);
        this.metrics = metrics;
        this.intervalMillis = intervalMillis;
        this.retryMillis = retryMillis;
        this.pages = new SegmentPages(client, store, metrics, pageSize);
    }

    public void start() {
        timer = vertx.setPeriodic(CHECK_MILLIS, t -> readDue());
    }

    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        return publisher.close();
    }

    /** Reads every tenant that is due (joining a read of it under way here); completes when those reads end. */
    public Future<Void> readDue() {
        return store.due().compose(tenants -> Future.join(tenants.stream().map(this::readOnce).toList()).<Void>mapEmpty())
                .recover(e -> {
                    LOG.warn("segment reads not started: {}", e.toString());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> readOnce(String tenantId) {
        Future<Void> underWay = reading.get(tenantId);
        if (underWay != null) {
            return underWay;
        }
        Future<Void> read = readTenant(tenantId);
        reading.put(tenantId, read);
        return read.onComplete(ar -> reading.remove(tenantId, read));
    }

    /** Whether anything in a tenant's read failed: then the next read comes after the retry delay. */
    private static final class Outcome {
        boolean failed;
    }

    private Future<Void> readTenant(String tenantId) {
        if (!slots.tryAcquire()) {
            // Provisioning runs and other reads hold every slot: the tenant stays due, the next check takes it.
            return Future.succeededFuture();
        }
        return lock.withNamedLock("segments/" + tenantId, db -> readLocked(db, tenantId))
                .<Void>mapEmpty()
                .recover(e -> {
                    LOG.warn("tenant {}: segments not read: {}", tenantId, e.getMessage());
                    return Future.succeededFuture();
                })
                .eventually(() -> {
                    slots.release();
                    return Future.succeededFuture();
                });
    }

    /** Everything on {@code db}, the connection the tenant's lock lives on. */
    private Future<Void> readLocked(SqlConnection db, String tenantId) {
        return destinations.dispatchable(db, tenantId, DestinationKind.BLUECONIC).compose(found -> {
            if (found.isEmpty()) {
                return leaveAll(db, tenantId);
            }
            return store.stillDue(db, tenantId).compose(due -> {
                if (!due) {
                    return Future.succeededFuture();
                }
                Outcome outcome = new Outcome();
                return readSegments(db, tenantId, found.get(), outcome)
                        .recover(e -> {
                            outcome.failed = true;
                            LOG.warn("tenant {}: segments not read: {}", tenantId, e.getMessage());
                            return Future.succeededFuture();
                        })
                        .compose(v -> store.scheduleNext(db, tenantId, outcome.failed ? Math.min(intervalMillis, retryMillis) : intervalMillis));
            });
        });
    }

    private Future<Void> readSegments(SqlConnection db, String tenantId, DestinationStore.Dispatchable destination, Outcome outcome) {
        if (destination.ready() == null) {
            return Future.succeededFuture();
        }
        SegmentSource source = SegmentSource.of(secrets, tenantId, destination.ready());
        long started = System.nanoTime();
        return client.segments(source.credentials())
                .recover(e -> {
                    String reason = e instanceof SegmentReadException r ? r.reason : "unreachable";
                    metrics.failed(tenantId, reason);
                    LOG.warn("tenant {}: BlueConic's segments not listed ({}): {}", tenantId, reason, e.getMessage());
                    return Future.failedFuture(e);
                })
                .compose(listing -> store.followed(db, tenantId).compose(known -> {
                    Map<String, SegmentClient.Segment> follow = new LinkedHashMap<>();
                    listing.values().stream().filter(s -> source.ids().contains(s.id())
                            || s.tags().stream().anyMatch(source.tags()::contains)).forEach(s -> follow.put(s.id(), s));
                    Map<String, SegmentStore.Followed> byId = known.stream()
                            .collect(Collectors.toMap(SegmentStore.Followed::segmentId, Function.identity()));
                    Future<Void> chain = Future.succeededFuture();
                    for (SegmentStore.Followed segment : known) {
                        String id = segment.segmentId();
                        if (follow.containsKey(id)) {
                            continue;
                        }
                        if (listing.containsKey(id) || !source.mayFollow(id)) {
                            // Listed without being followed (unfollowed, or its tag removed), or no longer followed at all.
                            chain = chain.compose(v -> leave(db, tenantId, segment, "unfollowed", outcome));
                        } else if (segment.deletedAt() == null) {
                            // Followed but not listed: one listing can miss a segment (deleted or moved between two
                            // startIndex pages). Only BlueConic's 404 to a read of it says it is gone.
                            chain = chain.compose(v -> direct(db, tenantId, source, id, segment, outcome));
                        }
                    }
                    for (String id : source.ids()) {
                        if (!listing.containsKey(id) && !byId.containsKey(id)) {
                            chain = chain.compose(v -> direct(db, tenantId, source, id, null, outcome));
                        }
                    }
                    for (SegmentClient.Segment segment : follow.values()) {
                        chain = chain.compose(v -> store.follow(db, tenantId, segment.id(), segment.name(), source.identifierName())
                                .compose(w -> readSegment(db, tenantId, source, segment, outcome)));
                    }
                    return chain.onComplete(ar -> {
                        metrics.readDuration(System.nanoTime() - started);
                        metrics.followed(tenantId, follow.size());
                    });
                }));
    }

    /**
     * A followed segment the listing did not show ({@code known}, or a followed id never seen): a read of its first
     * profile decides. Answered, it is read in full as usual; 404, a segment that was read before is deleted (its
     * members exit once) and one never read is reported not found. Never a reason to fail the destination.
     */
    private Future<Void> direct(SqlConnection db, String tenantId, SegmentSource source, String segmentId, SegmentStore.Followed known,
                                Outcome outcome) {
        String name = known == null ? segmentId : known.name();
        return client.page(source.credentials(), segmentId, source.matchingProperty(), "*", 1).transform(ar -> {
            if (ar.succeeded()) {
                LOG.info("tenant {}: segment {} was not listed but BlueConic has it: read as followed", tenantId, segmentId);
                return store.follow(db, tenantId, segmentId, name, source.identifierName())
                        .compose(v -> readSegment(db, tenantId, source, new SegmentClient.Segment(segmentId, name, List.of()), outcome));
            }
            Throwable e = ar.cause();
            String reason = e instanceof SegmentReadException r ? r.reason : "internal_error";
            if (reason.equals("segment_not_found") && known != null && known.lastReadAt() != null) {
                return deleted(db, tenantId, known, e.getMessage(), outcome);
            }
            metrics.failed(tenantId, reason);
            if (reason.equals("segment_not_found")) {
                LOG.warn("tenant {}: followed segment {} is not at BlueConic: {}", tenantId, segmentId, e.getMessage());
            } else {
                outcome.failed = true;
                LOG.warn("tenant {}: segment {} not listed and not read ({}): {}", tenantId, segmentId, reason, e.getMessage());
            }
            return (known == null ? store.follow(db, tenantId, segmentId, name, source.identifierName()) : Future.<Void>succeededFuture())
                    .compose(v -> store.failed(db, tenantId, segmentId, reason + ": " + e.getMessage()));
        });
    }

    /** Every page from where the read stands, then the changes, then the new members; a failure leaves the read to resume. */
    private Future<Void> readSegment(SqlConnection db, String tenantId, SegmentSource source, SegmentClient.Segment segment, Outcome outcome) {
        return store.read(db, tenantId, segment.id()).compose(read -> pages.read(db, tenantId, source, segment, read)
                .compose(v -> changes.publish(db, tenantId, source.identifierName(), segment.id(), segment.name(), read.readId(), false))
                .compose(v -> store.finish(db, tenantId, segment.id()))
                .map(members -> {
                    metrics.completed(tenantId, segment.id(), members);
                    return (Void) null;
                })
                .recover(e -> {
                    String reason = e instanceof SegmentReadException r ? r.reason : "internal_error";
                    outcome.failed = true;
                    metrics.failed(tenantId, reason);
                    LOG.warn("tenant {}: segment {} not read ({}), nothing published for it: {}", tenantId, segment.id(), reason,
                            e.getMessage());
                    // A cursor BlueConic no longer takes: the next read starts again from the first page.
                    Future<Void> reset = "rejected_400".equals(reason) && read.pages() > 0 ? store.dropRead(db, tenantId, segment.id())
                            : Future.succeededFuture();
                    return reset.compose(v -> store.failed(db, tenantId, segment.id(), reason + ": " + e.getMessage()));
                }));
    }

    /** BlueConic answers 404 to a read of a segment read before: reported, and each of its members exits once. */
    private Future<Void> deleted(SqlConnection db, String tenantId, SegmentStore.Followed segment, String words, Outcome outcome) {
        LOG.warn("tenant {}: segment {} ({}) is gone from BlueConic: its {} members exit", tenantId, segment.segmentId(),
                segment.name(), segment.members());
        metrics.failed(tenantId, "segment_deleted");
        return changes.publish(db, tenantId, segment.identifierName(), segment.segmentId(), segment.name(), "deleted/" + segment.lastReadAt(),
                true)
                .compose(v -> store.deleted(db, tenantId, segment.segmentId(), "segment_deleted: a read of it answers " + words))
                .recover(e -> failedChanges(db, tenantId, segment.segmentId(), e, outcome));
    }

    /** A segment no longer followed: each member's exit is published, then it is forgotten with its members. */
    private Future<Void> leave(SqlConnection db, String tenantId, SegmentStore.Followed segment, String why, Outcome outcome) {
        LOG.info("tenant {}: segment {} ({}) is no longer followed ({}): its {} members exit", tenantId, segment.segmentId(),
                segment.name(), why, segment.members());
        return changes.publish(db, tenantId, segment.identifierName(), segment.segmentId(), segment.name(),
                why + "/" + segment.lastReadAt(), true)
                .compose(v -> store.unfollow(db, tenantId, segment.segmentId()))
                .recover(e -> failedChanges(db, tenantId, segment.segmentId(), e, outcome));
    }

    private Future<Void> failedChanges(SqlConnection db, String tenantId, String segmentId, Throwable e, Outcome outcome) {
        String reason = e instanceof SegmentReadException r ? r.reason : "internal_error";
        outcome.failed = true;
        metrics.failed(tenantId, reason);
        LOG.warn("tenant {}: exits of segment {} not published ({}), tried again: {}", tenantId, segmentId, reason, e.getMessage());
        return store.failed(db, tenantId, segmentId, reason + ": " + e.getMessage());
    }

    /**
     * The tenant's BlueConic destination is deleted: every member of every segment it followed exits, then the segments
     * are forgotten. A failure leaves the rest for the next check (such a tenant is due at every check).
     */
    private Future<Void> leaveAll(SqlConnection db, String tenantId) {
        return store.followed(db, tenantId).compose(known -> {
            Future<Void> chain = Future.succeededFuture();
            for (SegmentStore.Followed segment : known) {
                chain = chain.compose(v -> {
                    LOG.info("tenant {}: destination deleted: the {} members of segment {} exit", tenantId, segment.members(),
                            segment.segmentId());
                    return changes.publish(db, tenantId, segment.identifierName(), segment.segmentId(), segment.name(),
                            "destination-deleted/" + segment.lastReadAt(), true)
                            .compose(w -> store.unfollow(db, tenantId, segment.segmentId()));
                });
            }
            return chain.compose(v -> store.forget(db, tenantId)).onSuccess(v -> metrics.followed(tenantId, 0));
        });
    }
}
