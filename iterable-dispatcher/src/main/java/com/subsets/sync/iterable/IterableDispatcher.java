package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DispatcherService;
import io.vertx.core.Future;

/** The Iterable dispatcher: the shared dispatcher service with Iterable's adapter and destinations. */
public final class IterableDispatcher {

    private IterableDispatcher() {
    }

    public static Future<DispatcherService<IterableDestination>> start(IterableDispatcherConfig config) {
        return DispatcherService.start(
                new DispatcherService.Settings("iterable-dispatcher", config.httpHost(), config.httpPort(), config.engine()),
                vertx -> new IterableAdapter(vertx, config.engine().requestTimeout()), config.directory());
    }
}
