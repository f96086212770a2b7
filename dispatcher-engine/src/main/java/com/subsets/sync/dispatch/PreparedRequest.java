package com.subsets.sync.dispatch;

import io.vertx.core.Future;

/**
 * One batch encoded as its request and not yet sent. Encoding a thousand rows takes milliseconds, and
 * on a busy host sometimes tens of them: a rate-limited lane encodes its next batch while it waits for
 * its turn, so the request leaves at its moment instead of whenever the encoding happens to finish.
 */
@FunctionalInterface
public interface PreparedRequest {

    /**
     * Sends the request; never fails: transport failures come back as retriable outcomes. The adapter bounds the
     * whole send (every HTTP exchange it takes) by its request timeout, resetting what is still out then: the
     * engine holds the rows' subscribers until this completes.
     */
    Future<DeliveryResult> send();
}
