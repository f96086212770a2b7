package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.DestinationAdapter;
import com.subsets.sync.dispatch.PreparedRequest;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Iterable's side of the dispatcher: {@code POST /api/users/bulkUpdate} with the project's key. */
final class IterableAdapter implements DestinationAdapter<IterableDestination> {

    private final WebClient client;
    private final long timeoutMillis;

    IterableAdapter(Vertx vertx, Duration requestTimeout) {
        // A redirect is an unexpected answer, never followed: it could carry the API key elsewhere.
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
                .setConnectTimeout(5_000).setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(16));
        this.timeoutMillis = requestTimeout.toMillis();
    }

    @Override
    public String name() {
        return "iterable";
    }

    @Override
    public Optional<String> subscriberKey(Subscriber subscriber, IterableDestination destination) {
        return Optional.ofNullable(destination.identifier() == IterableDestination.Identifier.EMAIL
                ? subscriber.email() : subscriber.userId());
    }

    @Override
    public PreparedRequest prepare(IterableDestination destination, List<SubscriberUpdate> rows) {
        Buffer body = BulkUpdateWriter.body(destination, rows);
        return () -> client.postAbs(destination.baseUrl().resolve("/api/users/bulkUpdate").toString())
                .putHeader("Api-Key", destination.apiKey())
                .putHeader("content-type", "application/json")
                .timeout(timeoutMillis)
                .sendBuffer(body)
                .map((HttpResponse<Buffer> r) -> BulkUpdateReader.read(r.statusCode(), r.bodyAsString(),
                        r.getHeader("retry-after"), destination, rows))
                .recover(e -> Future.succeededFuture(DeliveryResult.failed(rows.size(), e)));
    }

    @Override
    public Future<Void> close() {
        client.close();
        return Future.succeededFuture();
    }
}
