package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.core.SubscriberUpdate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A batch of rows as BlueConic's bulk body: one entry per subscriber, matched on the tenant's unique
 * identifier property (and SETting it too, as BlueConic asks when matching), the row's fields with SET
 * (a cleared field is SET to no values), the tenant's strategy, and {@code identifier} = the
 * subscriber's key so results correlate whatever their order.
 */
final class ProfilesWriter {

    private ProfilesWriter() {
    }

    static Buffer body(BlueConicDestination destination, List<SubscriberUpdate> rows) {
        JsonArray entries = new JsonArray();
        for (SubscriberUpdate row : rows) {
            JsonArray properties = new JsonArray().add(set(destination.matchingProperty(), new JsonArray().add(row.key())));
            row.fields().forEach((field, value) -> properties.add(set(field.blueConicId(),
                    value.isClear() ? new JsonArray() : new JsonArray().add(value.value()))));
            entries.add(new JsonObject()
                    .put("identifier", row.key())
                    .put("strategy", destination.strategy())
                    .put("matching", new JsonArray().add(new JsonArray().add(
                            new JsonObject().put("id", destination.matchingProperty()).put("value", row.key()))))
                    .put("properties", properties));
        }
        return entries.toBuffer();
    }

    private static JsonObject set(String id, JsonArray values) {
        return new JsonObject().put("id", id).put("values", values).put("strategy", "SET");
    }
}
