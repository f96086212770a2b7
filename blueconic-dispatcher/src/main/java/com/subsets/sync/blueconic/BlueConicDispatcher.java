package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.DispatcherService;
import io.vertx.core.Future;

/** The BlueConic dispatcher: the shared dispatcher service with BlueConic's adapter and destinations. */
public final class BlueConicDispatcher {

    private BlueConicDispatcher() {
    }

    public static Future<DispatcherService<BlueConicDestination>> start(BlueConicDispatcherConfig config) {
        return DispatcherService.start(
                new DispatcherService.Settings("blueconic-dispatcher", config.httpHost(), config.httpPort(), config.engine()),
                vertx -> new BlueConicAdapter(vertx, config.engine().requestTimeout()), config.directory());
    }
}
