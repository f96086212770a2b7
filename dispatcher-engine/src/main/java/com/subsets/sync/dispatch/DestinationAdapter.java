package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The only vendor-specific part of a dispatcher: which subscriber an event is about at this
 * destination, and how a batch of coalesced rows becomes one request and its answer per-row outcomes.
 * Everything else (consume, route, coalesce, batch, rate-limit, retry, dead-letter, commit) is the engine's.
 *
 * @param <C> a lane's destination configuration (one Iterable project, one BlueConic tenant)
 */
public interface DestinationAdapter<C> {

    /** Short lowercase name: metric tag, dead-letter topic suffix. */
    String name();

    /** The subscriber's identifier at this destination, or empty when the identity lacks the one configured. */
    Optional<String> subscriberKey(Subscriber subscriber, C destination);

    /** Encodes one batch as its request, to be sent when the lane's turn comes. */
    PreparedRequest prepare(C destination, List<SubscriberUpdate> rows);

    /** The destination is gone or changed: drop what the adapter keeps for it (a cached token, say). */
    default void forget(C destination) {
    }

    /** Releases the adapter's clients. */
    Future<Void> close();
}
