package com.subsets.sync.blueconic;

import com.subsets.sync.client.blueconic.TokenProvider;
import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.DestinationAdapter;
import com.subsets.sync.dispatch.PreparedRequest;
import com.subsets.sync.dispatch.core.Outcome;
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
 * BlueConic's side of the dispatcher: {@code PUT /rest/v2/profiles} with a bearer token. A 401 drops
 * the token and tries once more with a fresh one; a second 401 is retried with backoff (see
 * {@link ProfilesReader}); a token endpoint that refuses the credentials dead-letters the batch as unauthorized.
 */
final class BlueConicAdapter implements DestinationAdapter<BlueConicDestination> {

    private final WebClient client;
    private final TokenProvider tokens;
    private final long timeoutMillis;

    BlueConicAdapter(Vertx vertx, Duration requestTimeout) {
        this.client = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setConnectTimeout(5_000)
                        // A redirect is an unexpected answer, never followed: it could carry the token elsewhere.
                        .setFollowRedirects(false),
                new PoolOptions().setHttp1MaxSize(8));
        this.tokens = new TokenProvider(client, System::currentTimeMillis);
        this.timeoutMillis = requestTimeout.toMillis();
    }

    @Override
    public String name() {
        return "blueconic";
    }

    @Override
    public Optional<String> subscriberKey(Subscriber subscriber, BlueConicDestination destination) {
        return Optional.ofNullable(destination.matchesOnEmail() ? subscriber.email() : subscriber.userId());
    }

    /**
     * One deadline for the whole send (token, PUT, and the PUT again after a renewed token): each step is given
     * what is left of it as its timeout, which resets the request when it passes, and none starts once it has
     * passed. So a send is over, really over, within the request timeout, and the engine releases its
     * subscribers only then. A batch of a destination with consent objectives that holds erase rows goes as two PUTs, one
     * after the other, within that deadline: the rows of values with {@code objectiveIds}, the erase rows without, since an erasure
     * clears what Subsets wrote whether or not the profile consents now ({@link ConsentSplit}).
     */
    @Override
    public PreparedRequest prepare(BlueConicDestination destination, List<SubscriberUpdate> rows) {
        ConsentSplit split = ConsentSplit.of(destination, rows);
        if (split == null) {
            Buffer body = ProfilesWriter.body(destination, rows);
            return () -> send(destination, rows, body, true, System.currentTimeMillis() + timeoutMillis);
        }
        if (split.values().isEmpty()) {
            Buffer body = ProfilesWriter.body(destination, rows);
            return () -> send(destination, rows, body, false, System.currentTimeMillis() + timeoutMillis);
        }
        Buffer values = ProfilesWriter.body(destination, split.values());
        Buffer erasures = ProfilesWriter.body(destination, split.erasures());
        return () -> {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            // One after the other: the budget counts the send as one request, and BlueConic limits concurrency.
            return send(destination, split.values(), values, true, deadline).compose(ofValues ->
                    send(destination, split.erasures(), erasures, false, deadline).map(ofErasures -> split.join(ofValues, ofErasures)));
        };
    }

    /** One PUT of {@code rows} (with the destination's objectives or without), read into their outcomes; never fails. */
    private Future<DeliveryResult> send(BlueConicDestination destination, List<SubscriberUpdate> rows, Buffer body,
                                        boolean withObjectives, long deadline) {
        return attempt(destination, rows, body, withObjectives, true, deadline)
                .recover(e -> Future.succeededFuture(e instanceof TokenProvider.TokenException refused
                        ? DeliveryResult.uniform(rows.size(), outcomeOf(refused), 0) : DeliveryResult.failed(rows.size(), e)));
    }

    private Future<DeliveryResult> attempt(BlueConicDestination destination, List<SubscriberUpdate> rows, Buffer body,
                                           boolean withObjectives, boolean mayRefresh, long deadline) {
        // A token fetch shared with other sends keeps its own bound: this send stops waiting at its deadline.
        return remaining(deadline).compose(left -> tokens.token(destination.credentials(), left)
                        .timeout(left, java.util.concurrent.TimeUnit.MILLISECONDS))
                .compose(token -> remaining(deadline).compose(left -> put(destination, token, body, withObjectives, left)).compose(response -> {
                    if (response.statusCode() == 401 && mayRefresh) {
                        tokens.invalidate(destination.credentials(), token);
                        return attempt(destination, rows, body, withObjectives, false, deadline);
                    }
                    return Future.succeededFuture(ProfilesReader.read(response.statusCode(), response.bodyAsString(), rows));
                }));
    }

    /** What is left of the deadline, or a timeout once nothing is. */
    private static Future<Long> remaining(long deadline) {
        long left = deadline - System.currentTimeMillis();
        return left > 0 ? Future.succeededFuture(left)
                : Future.failedFuture(new java.util.concurrent.TimeoutException("the send's deadline passed"));
    }

    private Future<HttpResponse<Buffer>> put(BlueConicDestination destination, String token, Buffer body, boolean withObjectives,
                                             long timeout) {
        String url = destination.instanceUrl().resolve("/rest/v2/profiles").toString()
                + (!withObjectives || destination.objectiveIds().isEmpty() ? ""
                        : "?objectiveIds=" + String.join(",", destination.objectiveIds()));
        return client.putAbs(url)
                .putHeader("authorization", "Bearer " + token)
                .putHeader("content-type", "application/json")
                .timeout(timeout)
                .sendBuffer(body);
    }

    private static Outcome outcomeOf(TokenProvider.TokenException refused) {
        return refused.credentialsRefused()
                ? Outcome.permanent("unauthorized", refused.getMessage())
                : Outcome.retriable("token_unavailable", refused.getMessage());
    }

    @Override
    public void forget(BlueConicDestination destination) {
        tokens.forget(destination.credentials());
    }

    @Override
    public Future<Void> close() {
        client.close();
        return Future.succeededFuture();
    }
}
