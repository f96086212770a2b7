package com.subsets.sync.iterable;

import com.subsets.sync.client.iterable.IterableUserRead;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.UnexpectedResponse;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Looks users up before an erasure clears their fields (bulkUpdate would create a user it does not know): the read the
 * test delivery uses ({@link IterableUserRead}), at most one every {@link IterableUserRead#GAP_MS} per project from this
 * process, within Iterable's 100 reads/s per project. Each lookup starts at its project's next free slot, and only if
 * that is before the send's deadline; it is given what is left of the deadline as its timeout.
 */
final class UserLookups {

    /** What a lookup found: whether the user exists, or the failure (classified by {@link FailureClassifier}). */
    record Found(boolean exists, Outcome failure) {
        static final Found EXISTS = new Found(true, null);
        static final Found ABSENT = new Found(false, null);

        static Found failed(Outcome failure) {
            return new Found(false, failure);
        }
    }

    private final Vertx vertx;
    private final WebClient client;
    /** The next free slot of each project, in epoch milliseconds. */
    private final Map<String, Long> nextSlot = new ConcurrentHashMap<>();

    UserLookups(Vertx vertx, WebClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /** Whether the project has the user whose identifier is {@code key}; never fails. */
    Future<Found> lookUp(IterableDestination destination, String key, long deadline) {
        long now = System.currentTimeMillis();
        long[] slot = new long[1];
        nextSlot.compute(destination.projectId() + "@" + destination.baseUrl().getHost(), (project, next) -> {
            slot[0] = Math.max(now, next == null ? 0 : next);
            return slot[0] + IterableUserRead.GAP_MS;
        });
        if (slot[0] >= deadline) {
            return Future.succeededFuture(Found.failed(FailureClassifier.ofException(
                    new TimeoutException("the send's deadline passes before this user's lookup may start (Iterable's read limit)"))));
        }
        if (slot[0] <= now) {
            return get(destination, key, deadline);
        }
        Promise<Found> found = Promise.promise();
        vertx.setTimer(slot[0] - now, t -> get(destination, key, deadline).onComplete(found));
        return found.future();
    }

    private Future<Found> get(IterableDestination destination, String key, long deadline) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
            return Future.succeededFuture(Found.failed(FailureClassifier.ofException(new TimeoutException("the send's deadline passed"))));
        }
        boolean byEmail = destination.identifier() == IterableDestination.Identifier.EMAIL;
        return client.getAbs(IterableUserRead.url(destination.baseUrl().toString(), byEmail, key))
                .putHeader("Api-Key", destination.apiKey())
                .timeout(left)
                .send()
                .map(UserLookups::read)
                .recover(e -> Future.succeededFuture(Found.failed(FailureClassifier.ofException(e))));
    }

    static Found read(HttpResponse<Buffer> response) {
        String body = response.bodyAsString();
        if (response.statusCode() != 200) {
            return Found.failed(FailureClassifier.ofStatus(response.statusCode(), body));
        }
        try {
            return IterableUserRead.userOf(new JsonObject(body)) != null ? Found.EXISTS : Found.ABSENT;
        } catch (DecodeException | NullPointerException | ClassCastException e) {
            return Found.failed(FailureClassifier.ofException(new UnexpectedResponse(200, "a user lookup's answer is not a JSON object", body)));
        }
    }
}
