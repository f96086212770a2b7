package com.subsets.sync.provisioner.vendor;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.RequestNotBuilt;
import com.subsets.sync.provisioner.core.ProvisioningFailure;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One vendor call of a provisioning run, retried in place while the failure is transient (the
 * dispatchers' {@link FailureClassifier} decides what is: 429, 408, 5xx, timeouts, connection errors)
 * with jittered exponential backoff, a few times; after that, or on any other status, the run fails
 * with the vendor's own text and the classification says whether a later run is worth it.
 */
public final class VendorCalls {

    private final Vertx vertx;
    private final Backoff backoff;
    private final int maxAttempts;

    public VendorCalls(Vertx vertx, Backoff backoff, int maxAttempts) {
        this.vertx = vertx;
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    /** The response once its status is {@code accepted}; otherwise a {@link ProvisioningFailure} saying {@code what} failed. */
    public Future<HttpResponse<Buffer>> call(String what, Supplier<Future<HttpResponse<Buffer>>> request, IntPredicate accepted) {
        Promise<HttpResponse<Buffer>> result = Promise.promise();
        attempt(what, request, accepted, 1, result);
        return result.future();
    }

    private void attempt(String what, Supplier<Future<HttpResponse<Buffer>>> request, IntPredicate accepted, int attempt,
                         Promise<HttpResponse<Buffer>> result) {
        Future<HttpResponse<Buffer>> sent;
        try {
            sent = request.get();
        } catch (RuntimeException e) {
            sent = Future.failedFuture(new RequestNotBuilt(e));
        }
        sent.onComplete(ar -> {
            Outcome failure;
            if (ar.succeeded() && accepted.test(ar.result().statusCode())) {
                result.complete(ar.result());
                return;
            } else if (ar.succeeded()) {
                failure = FailureClassifier.ofStatus(ar.result().statusCode(), clip(ar.result().bodyAsString()));
                failure = new Outcome(failure.kind(), failure.reason(), "answered " + ar.result().statusCode() + ": " + failure.detail());
            } else if (notBuilt(ar.cause())) {
                // Never the cause's message: Vert.x quotes the header or URL it refused, a key included. The same
                // request fails the same way again, so the run fails now, until the tenant changes something.
                result.fail(new ProvisioningFailure(false, what + ": " + new RequestNotBuilt(ar.cause()).getMessage()));
                return;
            } else {
                failure = FailureClassifier.ofException(ar.cause());
            }
            boolean retriable = failure.kind() == Outcome.Kind.RETRIABLE;
            if (retriable && attempt < maxAttempts) {
                vertx.setTimer(Math.max(1, backoff.delayMillis(attempt)), t -> attempt(what, request, accepted, attempt + 1, result));
            } else {
                result.fail(new ProvisioningFailure(retriable, what + " " + failure.detail()
                        + (retriable ? " (after " + attempt + " attempts)" : "")));
            }
        });
    }

    /**
     * A request Vert.x refused to build or send (an invalid header value or URL), as opposed to a transport failure
     * (timeouts, refused or reset connections), which is an I/O or Vert.x exception.
     */
    private static boolean notBuilt(Throwable failure) {
        return failure instanceof IllegalArgumentException || failure instanceof RequestNotBuilt;
    }

    static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= 500 ? text : text.substring(0, 500) + "…";
    }
}
