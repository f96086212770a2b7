package com.subsets.sync.dispatch.core;

/**
 * The one place that decides what a failed request means for its whole batch. 429, 408 and 5xx are
 * the destination asking to come back later; timeouts and connection errors say nothing about the
 * data; every other 4xx is the request's own fault and will fail the same way again.
 */
public final class FailureClassifier {

    private FailureClassifier() {
    }

    public static Outcome ofStatus(int status, String body) {
        if (status == 429) {
            return Outcome.retriable("throttled", body);
        }
        if (status == 408 || status >= 500) {
            return Outcome.retriable("destination_error_" + status, body);
        }
        if (status == 401 || status == 403) {
            return Outcome.permanent("unauthorized", body);
        }
        return Outcome.permanent("rejected_" + status, body);
    }

    /**
     * A transport failure (timeout, refused, reset) says nothing about the data: retry, within the time bound.
     * An answer the adapter could not read is {@code unexpected_response}, never {@code unreachable}: the
     * vendor did answer, and the operator needs its words.
     */
    public static Outcome ofException(Throwable failure) {
        if (failure instanceof UnexpectedResponse unexpected) {
            return Outcome.retriable(UNEXPECTED_RESPONSE, unexpected.getMessage());
        }
        if (failure instanceof RequestNotBuilt notBuilt) {
            // Settings the destination's next revision may fix: retried, then dead-lettered at the give-up time.
            return Outcome.retriable("request_not_built", notBuilt.getMessage());
        }
        return Outcome.retriable("unreachable", failure.getClass().getSimpleName() + ": " + failure.getMessage());
    }

    /** The reason of an answer an adapter could not read. */
    public static final String UNEXPECTED_RESPONSE = "unexpected_response";
}
