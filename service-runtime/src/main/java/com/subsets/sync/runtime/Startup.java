package com.subsets.sync.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/** How a service starts: deployed whole, or, when any step fails, closed again before the failure is reported. */
public final class Startup {

    private Startup() {
    }

    /**
     * Runs {@code deploy}; on failure runs {@code close} and then fails with the deploy's cause. Not chained on Vert.x
     * futures alone: a failed start closes Vert.x, whose loops could then no longer deliver the failure.
     */
    public static <S> Future<S> startOrClose(S service, Supplier<Future<?>> deploy, Supplier<Future<Void>> close) {
        Promise<S> started = Promise.promise();
        deploy.get().onComplete(ar -> {
            if (ar.succeeded()) {
                started.complete(service);
            } else {
                close.get().onComplete(v -> started.fail(ar.cause()));
            }
        });
        return started.future();
    }
}
