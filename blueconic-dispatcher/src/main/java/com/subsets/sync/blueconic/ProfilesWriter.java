package com.subsets.sync.blueconic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.model.EventCodec;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A batch of rows as BlueConic's bulk body: one entry per subscriber, matched on the tenant's unique
 * identifier property (and SETting it too, as BlueConic asks when matching), the row's fields as their write
 * modes have them ({@link com.subsets.sync.model.FieldWrites}), each with SET: one value, no values for a clear (only
 * {@code set_or_clear} clears), or for {@code add} the whole list of values (BlueConic's properties hold lists). SET of
 * the whole list rather than BlueConic's ADD strategy: ADD only ever grows the list (its docs: "Values will be added
 * to the values that already existed ... Duplicates will not be added"), so the bound could never drop the oldest value
 * and a backfill could not make the list what live delivery made it; SET of the list can. Likewise {@code set_if_empty}
 * SETs the first value the state knows rather than using SET_IF_EMPTY, so an older fact arriving late corrects it.
 * The tenant's strategy, and {@code identifier} = the subscriber's key so results correlate whatever their order.
 * An erase row never creates a profile: with the destination's erasure {@code clear}, strategy {@code UPDATE} whatever
 * the tenant's, clearing the five properties and nothing else; with {@code forget}, strategy {@code DELETE} and no
 * properties (BlueConic deletes the matched profile).
 * Written with a streaming generator: a
 * tree of JsonObjects per row was a quarter of the dispatcher's event-loop time at full speed.
 */
final class ProfilesWriter {

    private ProfilesWriter() {
    }

    static Buffer body(BlueConicDestination destination, List<SubscriberUpdate> rows) {
        ByteArrayBuilder out = new ByteArrayBuilder(512 * rows.size());
        try (JsonGenerator json = EventCodec.mapper().getFactory().createGenerator(out)) {
            json.writeStartArray();
            for (SubscriberUpdate row : rows) {
                json.writeStartObject();
                boolean erase = row.erasure() != null;
                boolean delete = erase && destination.erasure() == ErasureMode.FORGET;
                json.writeStringField("identifier", row.key());
                json.writeStringField("strategy", delete ? "DELETE" : erase ? "UPDATE" : destination.strategy());
                json.writeArrayFieldStart("matching");
                json.writeStartArray();
                json.writeStartObject();
                json.writeStringField("id", destination.matchingProperty());
                json.writeStringField("value", row.key());
                json.writeEndObject();
                json.writeEndArray();
                json.writeEndArray();
                if (delete) {
                    json.writeEndObject();
                    continue;
                }
                json.writeArrayFieldStart("properties");
                if (!erase) {
                    set(json, destination.matchingProperty(), List.of(row.key()));
                }
                for (var field : row.writes(destination.modes()).entrySet()) {
                    set(json, field.getKey().blueConicId(), field.getValue().values());
                }
                json.writeEndArray();
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory does not fail", e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    /** {@code {"id":id,"values":[values...],"strategy":"SET"}}; no values for a clear. */
    private static void set(JsonGenerator json, String id, List<String> values) throws IOException {
        json.writeStartObject();
        json.writeStringField("id", id);
        json.writeArrayFieldStart("values");
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
        json.writeStringField("strategy", "SET");
        json.writeEndObject();
    }
}
