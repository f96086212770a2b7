package com.subsets.sync.provisioner.api;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.LookupTokens;
import com.subsets.sync.provisioner.deliveries.SubscriberDeliveryStore;
import com.subsets.sync.provisioner.deliveries.SubscriberQuery;
import com.subsets.sync.provisioner.deliveries.SubscriberStory;
import com.subsets.sync.provisioner.store.DestinationStore;
import com.subsets.sync.provisioner.store.ResyncStore;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code GET /v1/tenants/{tenantId}/subscribers/{subscriber}/deliveries[?by=email]}: one subscriber's story at each
 * of the tenant's destinations, for support staff: the values last delivered and when, the vendor's last answer, the
 * last dead letter and its reason, and whether a parking, a resync or a replay that will send them is pending. From
 * the provisioner's own tables only, never a vendor call. {@code subscriber} is a userId, or an e-mail with
 * {@code by=email}. Operators' tokens, and lookup tokens issued for the tenant (another tenant's gets 404, as a tenant
 * without destinations does), as for the segment lookup. Mounted before {@link DestinationsApi}.
 */
public final class SubscriberDeliveriesApi {

    private final DestinationStore destinations;
    private final SubscriberDeliveryStore deliveries;
    private final ResyncStore resyncs;
    private final LookupAccess access;

    public SubscriberDeliveriesApi(DestinationStore destinations, SubscriberDeliveryStore deliveries, ResyncStore resyncs,
                                   TokenAuthenticator operators, LookupTokens lookups) {
        this.destinations = destinations;
        this.deliveries = deliveries;
        this.resyncs = resyncs;
        this.access = new LookupAccess(operators, lookups);
    }

    public void mount(Router router) {
        router.get("/v1/tenants/:tenantId/subscribers/:subscriber/deliveries").handler(this::story);
    }

    private void story(RoutingContext ctx) {
        String header = access.authenticated(ctx);
        if (header == null) {
            return;
        }
        DestinationsApi.respond(ctx, c -> {
            String tenantId = DestinationsApi.tenantId(c);
            access.requireTenant(header, tenantId, "destinations");
            List<String> by = c.queryParam("by");
            if (by.size() > 1) {
                throw new ApiException(400, "invalid_by", "by must be given at most once");
            }
            String id = c.pathParam("subscriber");
            if (id.indexOf('\0') >= 0 || by.stream().anyMatch(b -> b.indexOf('\0') >= 0)) {
                throw new ApiException(400, "invalid_text", "the path or a query parameter holds a NUL character");
            }
            SubscriberQuery query;
            try {
                query = SubscriberQuery.parse(tenantId, id, by.isEmpty() ? null : by.get(0));
            } catch (SubscriberQuery.Invalid invalid) {
                throw new ApiException(400, invalid.code(), invalid.getMessage(), invalid.violations());
            }
            return registered(tenantId).compose(kinds -> {
                if (kinds.isEmpty()) {
                    return Future.failedFuture(new ApiException(404, "not_found", "tenant " + tenantId + " has no destinations"));
                }
                return deliveries.find(tenantId, query.stateKey(), query.email())
                        .compose(rows -> pendings(query, kinds, rows))
                        .map(story -> new DestinationsApi.Reply(200, story.toJson()));
            });
        });
    }

    /** The tenant's registered destination kinds, in a fixed order. */
    private Future<List<DestinationKind>> registered(String tenantId) {
        List<Future<Boolean>> found = new ArrayList<>();
        for (DestinationKind kind : DestinationKind.values()) {
            found.add(destinations.find(tenantId, kind).map(d -> d.isPresent()));
        }
        return Future.all(found).map(all -> {
            List<DestinationKind> kinds = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                if (found.get(i).result()) {
                    kinds.add(DestinationKind.values()[i]);
                }
            }
            return kinds;
        });
    }

    private Future<SubscriberStory> pendings(SubscriberQuery query, List<DestinationKind> kinds,
                                             List<SubscriberDeliveryStore.Stored> rows) {
        SubscriberStory story = new SubscriberStory(query, kinds.stream().map(DestinationKind::wireName).toList(), rows);
        List<Future<?>> reads = new ArrayList<>();
        for (DestinationKind kind : kinds) {
            String tenantId = query.tenantId();
            Set<String> keys = new LinkedHashSet<>();
            keys.add(query.stateKey());
            rows.stream().filter(r -> r.kind().equals(kind.wireName())).forEach(r -> keys.add(r.stateKey()));
            reads.add(Future.all(resyncs.parking(tenantId, kind), resyncs.pendingForEveryone(tenantId, kind),
                            resyncs.pendingReplayOf(tenantId, kind, keys))
                    .onSuccess(all -> story.destination(kind.wireName(), all.resultAt(0), all.resultAt(1), all.resultAt(2))));
        }
        return Future.all(reads).map(story);
    }
}
