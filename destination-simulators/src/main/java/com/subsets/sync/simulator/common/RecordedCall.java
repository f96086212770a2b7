package com.subsets.sync.simulator.common;

import io.vertx.core.json.JsonObject;

/** One call a simulator received, for inspection: when it was admitted, what, and how it was answered. */
public record RecordedCall(long atMillis, String method, String path, int status, int items, int requestBytes, JsonObject response) {

    public JsonObject toJson() {
        return new JsonObject().put("at", atMillis).put("method", method).put("path", path)
                .put("status", status).put("items", items).put("requestBytes", requestBytes);
    }
}
