package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.core.SubscriberUpdate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of rows as Iterable's bulkUpdate body: one user per row, identified by the configured
 * identifier only (the vendor: "an email or a userId, but not both"), each field as its write mode has it
 * ({@link com.subsets.sync.model.FieldWrites}): a string, a cleared field as {@code null} (which removes it; only
 * {@code set_or_clear} clears), an {@code add} field as an array of strings holding the whole list (so a retry or a
 * backfill writes the same list), {@code mergeNestedObjects: true} so nothing else on the profile is replaced.
 */
final class BulkUpdateWriter {

    private BulkUpdateWriter() {
    }

    static Buffer body(IterableDestination destination, List<SubscriberUpdate> rows) {
        JsonArray users = new JsonArray();
        for (SubscriberUpdate row : rows) {
            JsonObject fields = new JsonObject();
            row.writes(destination.modes()).forEach((field, write) -> fields.put(field.iterableName(),
                    write.isList() ? new JsonArray(new ArrayList<>(write.values())) : write.single()));
            JsonObject user = new JsonObject()
                    .put(destination.identifier() == IterableDestination.Identifier.EMAIL ? "email" : "userId", row.key())
                    .put("dataFields", fields)
                    .put("mergeNestedObjects", true);
            // Not for an erase row: were the user deleted since the lookup, preferUserId would create them again.
            if (destination.preferUserId() && destination.identifier() == IterableDestination.Identifier.USER_ID && row.erasure() == null) {
                user.put("preferUserId", true);
            }
            users.add(user);
        }
        return new JsonObject().put("users", users).toBuffer();
    }
}
