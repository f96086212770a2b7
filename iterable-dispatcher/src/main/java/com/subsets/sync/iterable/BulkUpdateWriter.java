package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.core.SubscriberUpdate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A batch of rows as Iterable's bulkUpdate body: one user per row, identified by the configured
 * identifier only (the vendor: "an email or a userId, but not both"), the five fields as strings, a
 * cleared field as {@code null} (which removes it), {@code mergeNestedObjects: true} so nothing else
 * on the profile is replaced.
 */
final class BulkUpdateWriter {

    private BulkUpdateWriter() {
    }

    static Buffer body(IterableDestination destination, List<SubscriberUpdate> rows) {
        JsonArray users = new JsonArray();
        for (SubscriberUpdate row : rows) {
            JsonObject fields = new JsonObject();
            row.fields().forEach((field, value) -> fields.put(field.iterableName(), value.value()));
            JsonObject user = new JsonObject()
                    .put(destination.identifier() == IterableDestination.Identifier.EMAIL ? "email" : "userId", row.key())
                    .put("dataFields", fields)
                    .put("mergeNestedObjects", true);
            if (destination.preferUserId() && destination.identifier() == IterableDestination.Identifier.USER_ID) {
                user.put("preferUserId", true);
            }
            users.add(user);
        }
        return new JsonObject().put("users", users).toBuffer();
    }
}
