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

/**
 * Iterable's side of the dispatcher: {@code POST /api/users/bulkUpdate} with the project's key. A batch holding erase
 * rows looks their users up first ({@link UserLookups}) and clears the five fields only of those Iterable has
 * ({@link ErasureOutcomes}); one deadline, the request timeout, bounds every exchange of the send.
 */
final class IterableAdapter implements DestinationAdapter<IterableDestination> {

    private final WebClient client;
    private final UserLookups lookups;
    private final long timeoutMillis;

    IterableAdapter(Vertx vertx, Duration requestTimeout) {
        // A redirect is an unexpected answer, never followed: it could carry the API key elsewhere.
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true)
                .setConnectTimeout(5_000).setFollowRedirects(false), new PoolOptions().setHttp1MaxSize(16));
        this.timeoutMillis = requestTimeout.toMillis();
        this.lookups = new UserLookups(vertx, client);
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
        if (rows.stream().noneMatch(row -> row.erasure() != null)) {
            Buffer body = BulkUpdateWriter.body(destination, rows);
            return () -> bulkUpdate(destination, rows, body, timeoutMillis);
        }
        return () -> {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            List<Future<UserLookups.Found>> found = rows.stream().map(row -> row.erasure() == null
                    ? Future.succeededFuture(UserLookups.Found.EXISTS) : lookups.lookUp(destination, row.key(), deadline)).toList();
            return Future.all(found).compose(done -> {
                List<UserLookups.Found> results = found.stream().map(Future::result).toList();
                List<SubscriberUpdate> write = ErasureOutcomes.toWrite(rows, results);
                if (write.isEmpty()) {
                    return Future.succeededFuture(ErasureOutcomes.join(rows, results, null));
                }
                long left = deadline - System.currentTimeMillis();
                Future<DeliveryResult> written = left > 0
                        ? bulkUpdate(destination, write, BulkUpdateWriter.body(destination, write), left)
                        : Future.succeededFuture(DeliveryResult.failed(write.size(),
                                new java.util.concurrent.TimeoutException("the send's deadline passed during the user lookups")));
                return written.map(result -> ErasureOutcomes.join(rows, results, result));
            });
        };
    }

    private Future<DeliveryResult> bulkUpdate(IterableDestination destination, List<SubscriberUpdate> rows, Buffer body,
                                              long timeout) {
        return client.postAbs(destination.baseUrl().resolve("/api/users/bulkUpdate").toString())
                .putHeader("Api-Key", destination.apiKey())
                .putHeader("content-type", "application/json")
                .timeout(timeout)
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
