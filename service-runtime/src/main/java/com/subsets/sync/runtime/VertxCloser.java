package com.subsets.sync.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;

/**
 * Closes a Vert.x instance from a thread of its own. Chained from one of its own event loops, the
 * close's completion would be dispatched to a loop that is going away and never arrive.
 */
public final class VertxCloser {

    private VertxCloser() {
    }

    /** After {@code before} completes (either way), closes {@code vertx}, then runs {@code after}. */
    public static Future<Void> closeAfter(Future<?> before, Vertx vertx, Runnable after) {
        Promise<Void> closed = Promise.promise();
        before.onComplete(ar -> CompletableFuture.runAsync(() -> vertx.close().onComplete(v -> {
            after.run();
            closed.complete();
        })));
        return closed.future();
    }
}
