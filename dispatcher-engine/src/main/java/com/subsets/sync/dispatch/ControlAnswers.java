package com.subsets.sync.dispatch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the parkings and resyncs of the provisioner's dispatch answer. An entry that does not read whole
 * throws, failing the refresh like any partial answer: a resync read without its position would start over.
 */
final class ControlAnswers {

    private ControlAnswers() {
    }

    static Map<String, DeliveryControl.Parking> parkings(JsonObject parked) {
        Map<String, DeliveryControl.Parking> out = new HashMap<>();
        for (String tenant : parked.fieldNames()) {
            JsonObject p = parked.getJsonObject(tenant);
            out.put(tenant, new DeliveryControl.Parking(p.getInteger("partition"), p.getLong("fromOffset"),
                    p.getString("reason"), Instant.parse(p.getString("parkedAt"))));
        }
        return Map.copyOf(out);
    }

    static List<DeliveryControl.ResyncJob> resyncs(JsonArray resyncs) {
        List<DeliveryControl.ResyncJob> out = new ArrayList<>();
        for (int i = 0; i < resyncs.size(); i++) {
            JsonObject r = resyncs.getJsonObject(i);
            // How many it names (null: every subscriber); the keys themselves are paged by the replica that runs it.
            out.add(new DeliveryControl.ResyncJob(r.getLong("id"), r.getString("tenantId"), r.getLong("fromOffset"),
                    r.getLong("position"), r.getLong("endOffset"), r.getLong("total"), r.getLong("sent", 0L),
                    r.getLong("subscriberCount")));
        }
        return List.copyOf(out);
    }
}
