package com.subsets.sync.dispatch;

import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.UnexpectedResponse;
import java.util.Collections;
import java.util.List;

/**
 * What a destination made of one request: an outcome per row, in the order the rows were given.
 *
 * @param throttled the destination said "too many requests" (the lane's rate is cut)
 * @param retryAfterMillis the destination's Retry-After, or 0
 * @param splittable the request failed as a whole for something some rows carry (a field type clash,
 *     a body too large): sent in halves, the good rows go through and the bad ones are isolated
 * @param status the HTTP status, or 0 when there was no answer
 */
public record DeliveryResult(List<Outcome> outcomes, boolean throttled, long retryAfterMillis, boolean splittable, int status) {

    public static DeliveryResult uniform(int rows, Outcome outcome, int status) {
        return new DeliveryResult(Collections.nCopies(rows, outcome), false, 0, false, status);
    }

    /** A request that failed without an answer the adapter could read: every row retriable, classified once. */
    public static DeliveryResult failed(int rows, Throwable failure) {
        int status = failure instanceof UnexpectedResponse unexpected ? unexpected.status() : 0;
        return uniform(rows, FailureClassifier.ofException(failure), status);
    }

    public static DeliveryResult throttled(int rows, Outcome outcome, long retryAfterMillis, int status) {
        return new DeliveryResult(Collections.nCopies(rows, outcome), true, retryAfterMillis, false, status);
    }

    public static DeliveryResult splittable(int rows, Outcome outcome, int status) {
        return new DeliveryResult(Collections.nCopies(rows, outcome), false, 0, true, status);
    }
}
