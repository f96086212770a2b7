package com.subsets.sync.provisioner.segments;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.run.ProvisioningLock;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.StoredDestination;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the members of each BlueConic segment a tenant follows, every {@code interval} per tenant, and publishes what
 * changed since the last complete read. One read of a tenant at a time across replicas (a PostgreSQL advisory lock),
 * one request at a time within it (well inside the instance's concurrency). A segment's pages are stored as they
 * come, with the cursor of the next, so a crash resumes the read; its changes are published and its members replaced
 * only once every page is in, so a read that fails midway publishes nothing for that segment. Memory stays bounded
 * by a page: members live in PostgreSQL, and changes are published in slices.
 */
public final class SegmentReader {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentReader.class);
    private static final int CHANGES_PER_SLICE = 2_000;
    private static final long CHECK_MILLIS = 2_000;
    /** After a read that failed somewhere, the next comes this soon (or at the interval, if that is sooner): it resumes. */
    private static final long RETRY_MILLIS = 60_000;

    private final Vertx vertx;
    private final SegmentStore store;
    private final DestinationStore destinations;
    private final CredentialSealer secrets;
    private final ProvisioningLock lock;
    private final SegmentClient client;
    private final MembershipPublisher publisher;
    private final SegmentMetrics metrics;
    private final long intervalMillis;
    private final int pageSize;
    /** Reads under way in this replica, by tenant. */
    private final Map<String, Future<Void>> reading = new java.util.HashMap<>();
    private long timer = -1;

    public SegmentReader(Vertx vertx, SegmentStore store, DestinationStore destinations, CredentialSealer secrets, ProvisioningLock lock,
                         SegmentClient client, MembershipPublisher publisher, SegmentMetrics metrics, long intervalMillis, int pageSize) {
        this.vertx = vertx;
        this.store = store;
        this.destinations = destinations;
        this.secrets = secrets;
        this.lock = lock;
        this.client = client;
        this.publisher = publisher;
        this.metrics = metrics;
        this.intervalMillis = intervalMillis;
        this.pageSize = pageSize;
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

    private Future<Void> readTenant(String tenantId) {
        boolean[] failed = {false};
        return lock.withNamedLock("segments/" + tenantId, connection -> store.stillDue(connection, tenantId)
                        .compose(due -> due ? readSegments(tenantId, failed) : Future.succeededFuture()))
                .<Void>mapEmpty()
                .recover(e -> {
                    failed[0] = true;
                    LOG.warn("tenant {}: segments not read: {}", tenantId, e.getMessage());
                    return Future.succeededFuture();
                })
                .compose(v -> store.scheduleNext(tenantId, failed[0] ? Math.min(intervalMillis, RETRY_MILLIS) : intervalMillis));
    }

    /** The tenant's READY BlueConic revision: what to follow, how to match, and the credentials. */
    private record Source(BlueConicCredentials credentials, String matchingProperty, List<String> ids, List<String> tags) {
        String identifierName() {
            return matchingProperty.equals("email") ? "email" : "userId";
        }
    }

    private Future<Void> readSegments(String tenantId, boolean[] failed) {
        return source(tenantId).compose(source -> {
            if (source == null) {
                return Future.succeededFuture();
            }
            long started = System.nanoTime();
            return client.segments(source.credentials())
                    .recover(e -> {
                        String reason = e instanceof SegmentReadException r ? r.reason : "unreachable";
                        metrics.failed(tenantId, reason);
                        LOG.warn("tenant {}: BlueConic's segments not listed ({}): {}", tenantId, reason, e.getMessage());
                        return Future.failedFuture(e);
                    })
                    .compose(listing -> store.followed(tenantId).compose(known -> {
                        Map<String, SegmentClient.Segment> follow = new LinkedHashMap<>();
                        listing.values().stream().filter(s -> source.ids().contains(s.id())
                                || s.tags().stream().anyMatch(source.tags()::contains)).forEach(s -> follow.put(s.id(), s));
                        Future<Void> chain = Future.succeededFuture();
                        for (SegmentStore.Followed segment : known) {
                            if (!listing.containsKey(segment.segmentId())) {
                                if (segment.deletedAt() == null) {
                                    chain = chain.compose(v -> deleted(tenantId, source, segment));
                                }
                            } else if (!follow.containsKey(segment.segmentId())) {
                                chain = chain.compose(v -> store.unfollow(tenantId, segment.segmentId()));
                            }
                        }
                        for (String id : source.ids()) {
                            if (!listing.containsKey(id) && known.stream().noneMatch(k -> k.segmentId().equals(id))) {
                                metrics.failed(tenantId, "segment_not_found");
                                LOG.warn("tenant {}: followed segment {} is not at BlueConic", tenantId, id);
                            }
                        }
                        for (SegmentClient.Segment segment : follow.values()) {
                            chain = chain.compose(v -> store.follow(tenantId, segment.id(), segment.name())
                                    .compose(w -> readSegment(tenantId, source, segment, failed)));
                        }
                        return chain.onComplete(ar -> {
                            metrics.readDuration(System.nanoTime() - started);
                            metrics.followed(tenantId, follow.size());
                        });
                    }));
        });
    }

    private Future<Source> source(String tenantId) {
        return destinations.dispatchable(DestinationKind.BLUECONIC).map(all -> all.stream()
                .filter(d -> d.tenantId().equals(tenantId) && d.ready() != null).findFirst()
                .map(d -> {
                    JsonObject settings = d.ready().settings();
                    // Opened for use: the instance URL policy again, and the settings bound to the secret.
                    JsonObject secret = secrets.open(tenantId, DestinationKind.BLUECONIC, settings, d.ready().sealed(),
                            d.ready().binding());
                    return new Source(new BlueConicCredentials(URI.create(settings.getString("instanceUrl")),
                            settings.getString("clientId"), secret.getString("clientSecret")),
                            settings.getString("matchingProperty", "email"),
                            strings(settings.getJsonArray("followSegments")), strings(settings.getJsonArray("followSegmentTags")));
                }).orElse(null));
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    /** Every page from where the read stands, then the changes, then the new members; a failure leaves the read to resume. */
    private Future<Void> readSegment(String tenantId, Source source, SegmentClient.Segment segment, boolean[] failed) {
        return store.read(tenantId, segment.id()).compose(read -> pages(tenantId, source, segment, read)
                .compose(v -> publishChanges(tenantId, source, segment.id(), segment.name(), read.readId(), false))
                .compose(v -> store.finish(tenantId, segment.id()))
                .map(members -> {
                    metrics.completed(tenantId, segment.id(), members);
                    return (Void) null;
                })
                .recover(e -> {
                    String reason = e instanceof SegmentReadException r ? r.reason : "internal_error";
                    failed[0] = true;
                    metrics.failed(tenantId, reason);
                    LOG.warn("tenant {}: segment {} not read ({}), nothing published for it: {}", tenantId, segment.id(), reason,
                            e.getMessage());
                    // A cursor BlueConic no longer takes: the next read starts again from the first page.
                    Future<Void> reset = "rejected_400".equals(reason) && read.pages() > 0 ? store.dropRead(tenantId, segment.id())
                            : Future.succeededFuture();
                    return reset.compose(v -> store.failed(tenantId, segment.id(), reason + ": " + e.getMessage()));
                }));
    }

    private Future<Void> pages(String tenantId, Source source, SegmentClient.Segment segment, SegmentStore.Read read) {
        if (read.complete()) {
            return Future.succeededFuture();
        }
        return client.page(source.credentials(), segment.id(), source.matchingProperty(), read.cursor(), pageSize)
                .compose(page -> {
                    List<String> identifiers = page.identifiers().stream().filter(java.util.Objects::nonNull).distinct().toList();
                    metrics.unmatched(page.identifiers().size() - (int) page.identifiers().stream().filter(java.util.Objects::nonNull).count());
                    return store.page(tenantId, segment.id(), identifiers, page.nextCursor())
                            .compose(v -> page.nextCursor() == null ? Future.succeededFuture()
                                    : pages(tenantId, source, segment, new SegmentStore.Read(read.readId(), page.nextCursor(),
                                            read.pages() + 1, false)));
                });
    }

    /** Entries then exits (or, for a deleted segment, every member's exit), slice by slice, each acknowledged by Kafka. */
    private Future<Void> publishChanges(String tenantId, Source source, String segmentId, String name, String readId, boolean deleted) {
        Instant observedAt = Instant.now();
        Future<Void> entries = deleted ? Future.succeededFuture()
                : slices(tenantId, source, segmentId, name, readId, true, false, "", observedAt);
        return entries.compose(v -> slices(tenantId, source, segmentId, name, readId, false, deleted, "", observedAt));
    }

    private Future<Void> slices(String tenantId, Source source, String segmentId, String name, String readId, boolean entered,
                                boolean deleted, String after, Instant observedAt) {
        return store.changes(tenantId, segmentId, entered, deleted, after, CHANGES_PER_SLICE).compose(subscribers -> {
            if (subscribers.isEmpty()) {
                return Future.succeededFuture();
            }
            SegmentMembership.Change change = entered ? SegmentMembership.Change.ENTERED : SegmentMembership.Change.EXITED;
            List<SegmentMembership> changes = subscribers.stream().map(s -> SegmentMembership.of(tenantId, segmentId, name,
                    source.identifierName(), s, change, observedAt, readId)).toList();
            return publisher.publish(changes).compose(v -> {
                metrics.changes(change, changes.size());
                return subscribers.size() < CHANGES_PER_SLICE ? Future.succeededFuture()
                        : slices(tenantId, source, segmentId, name, readId, entered, deleted, subscribers.get(subscribers.size() - 1),
                                observedAt);
            });
        });
    }

    /** BlueConic no longer lists the segment: reported, and each of its members exits once. */
    private Future<Void> deleted(String tenantId, Source source, SegmentStore.Followed segment) {
        LOG.warn("tenant {}: segment {} ({}) is gone from BlueConic: its {} members exit", tenantId, segment.segmentId(),
                segment.name(), segment.members());
        metrics.failed(tenantId, "segment_deleted");
        return publishChanges(tenantId, source, segment.segmentId(), segment.name(), "deleted/" + segment.lastReadAt(), true)
                .compose(v -> store.deleted(tenantId, segment.segmentId(), "segment_deleted: BlueConic no longer lists it"));
    }
}
