package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.NamedSubscriberPages;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The keys a replay names, read once by the replica that runs it from {@code GET /v1/dispatch/{kind}/resyncs/{id}/subscribers}
 * (the directory answer says only how many): {@value #PAGE} a request, one request at a time, each answer decoded
 * on the event loop (a page is some hundreds of KB).
 */
final class ResyncSubscriberPages {

    /** Keys a page: the provisioner's most. */
    static final int PAGE = 10_000;

    private final WebClient client;
    private final URI dispatch;
    private final String token;

    /** {@code dispatch}: the provisioner's {@code /v1/dispatch/{kind}/}. */
    ResyncSubscriberPages(WebClient client, URI dispatch, String token) {
        this.client = client;
        this.dispatch = dispatch;
        this.token = token;
    }

    /** Every key the job names; fails with {@link DeliveryControl.ResyncGone} when the provisioner no longer runs it. */
    Future<Set<String>> of(DeliveryControl.ResyncJob job) {
        if (job.subscriberCount() == null) {
            return Future.failedFuture(new IllegalArgumentException("resync " + job.id() + " names no subscribers: it sends every one"));
        }
        return page(job, new NamedSubscriberPages(job.subscriberCount()), null);
    }

    private Future<Set<String>> page(DeliveryControl.ResyncJob job, NamedSubscriberPages pages, String after) {
        HttpRequest<Buffer> request = client.getAbs(dispatch.resolve("resyncs/" + job.id() + "/subscribers").toString())
                .addQueryParam("limit", String.valueOf(PAGE)).bearerTokenAuthentication(token).timeout(10_000);
        if (after != null) {
            request.addQueryParam("after", after);
        }
        return request.send().compose(response -> read(job, response)).compose(body -> {
            List<String> keys = new ArrayList<>();
            for (Object key : body.getJsonArray("subscribers", new JsonArray())) {
                keys.add(key instanceof String s ? s : null);
            }
            String next = pages.take(keys, body.getString("next"));
            return next == null ? Future.succeededFuture(pages.keys()) : page(job, pages, next);
        });
    }

    private static Future<JsonObject> read(DeliveryControl.ResyncJob job, HttpResponse<Buffer> response) {
        if (response.statusCode() == 404) {
            return Future.failedFuture(new DeliveryControl.ResyncGone(job.id()));
        }
        if (response.statusCode() != 200) {
            return Future.failedFuture(new IllegalStateException("the provisioner answered " + response.statusCode()
                    + " for resync " + job.id() + "'s subscribers: " + response.bodyAsString()));
        }
        try {
            return Future.succeededFuture(response.bodyAsJsonObject());
        } catch (RuntimeException e) {
            return Future.failedFuture(new IllegalStateException("resync " + job.id() + "'s subscribers: the answer is not a JSON object"));
        }
    }
}
