package com.subsets.sync.simulator.iterable;

import io.vertx.core.json.JsonObject;

/** Iterable's error body: {@code {"msg", "code", "params"}} (IterableApiResponse in the vendor's Swagger). */
final class IterableErrors {

    private IterableErrors() {
    }

    /** {@code params} is left out when there are none: the document types it as an object, never null. */
    static JsonObject body(String code, String msg, JsonObject params) {
        JsonObject body = new JsonObject().put("msg", msg).put("code", code);
        return params == null ? body : body.put("params", params);
    }

    /** Thrown by request processing; answered with {@code status} and the body above. */
    static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;
        final transient JsonObject body;

        Rejection(int status, String code, String msg, JsonObject params) {
            super(msg, null, false, false);
            this.status = status;
            this.body = body(code, msg, params);
        }
    }

    static Rejection badJson(String path, String problem) {
        return new Rejection(400, "BadJsonBody", "Invalid JSON body: " + path + " " + problem,
                new JsonObject().put("path", path));
    }
}
