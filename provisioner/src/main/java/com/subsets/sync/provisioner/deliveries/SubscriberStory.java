package com.subsets.sync.provisioner.deliveries;

import com.subsets.sync.provisioner.store.ResyncStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of the deliveries API: per registered destination, the subscriber's newest row there (the values last
 * delivered, the vendor's last answer, the last dead letter) and what is pending for them (a parking of the
 * destination, a resync of everyone, a replay naming them). Pure: built from what the stores read.
 */
public final class SubscriberStory {

    private record Pending(Optional<ResyncStore.Parking> parking, Optional<ResyncStore.Resync> resync,
                           Optional<ResyncStore.Resync> replay) {
    }

    private final SubscriberQuery query;
    /** Per destination kind, in the order given: its newest row (null: nothing answered yet). */
    private final Map<String, SubscriberDeliveryStore.Stored> rows = new LinkedHashMap<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /** {@code stored}: the subscriber's rows, newest answer first (by e-mail, several rows of a kind may match). */
    public SubscriberStory(SubscriberQuery query, List<String> kinds, List<SubscriberDeliveryStore.Stored> stored) {
        this.query = query;
        kinds.forEach(kind -> rows.put(kind, null));
        for (SubscriberDeliveryStore.Stored row : stored) {
            if (rows.containsKey(row.kind()) && rows.get(row.kind()) == null) {
                rows.put(row.kind(), row);
            }
        }
    }

    /** What is pending at one destination. */
    public void destination(String kind, Optional<ResyncStore.Parking> parking, Optional<ResyncStore.Resync> resync,
                            Optional<ResyncStore.Resync> replay) {
        pending.put(kind, new Pending(parking, resync, replay));
    }

    public JsonObject toJson() {
        JsonArray destinations = new JsonArray();
        rows.forEach((kind, row) -> destinations.add(destination(kind, row, pending.get(kind))));
        return new JsonObject().put("tenantId", query.tenantId())
                .put("subscriber", new JsonObject().put("id", query.id()).put("by", query.by()))
                .put("destinations", destinations);
    }

    private static JsonObject destination(String kind, SubscriberDeliveryStore.Stored row, Pending pending) {
        JsonObject out = new JsonObject().put("destination", kind);
        if (row == null) {
            out.putNull("subscriber").putNull("lastDelivered").putNull("lastAnswer").putNull("lastDeadLetter");
        } else {
            JsonObject who = new JsonObject();
            if (row.userId() != null) {
                who.put("userId", row.userId());
            }
            if (row.email() != null) {
                who.put("email", row.email());
            }
            out.put("subscriber", who);
            out.put("lastDelivered", row.deliveredAt() == null ? null
                    : new JsonObject().put("at", text(row.deliveredAt())).put("values", row.deliveredValues()));
            JsonObject answer = new JsonObject().put("at", text(row.answeredAt())).put("outcome", row.answer());
            if (!"accepted".equals(row.answer())) {
                answer.put("reason", row.answerReason()).put("detail", row.answerDetail());
            }
            out.put("lastAnswer", answer);
            out.put("lastDeadLetter", row.deadLetterAt() == null ? null : new JsonObject().put("at", text(row.deadLetterAt()))
                    .put("reason", row.deadLetterReason()).put("detail", row.deadLetterDetail()).put("values", row.deadLetterValues()));
        }
        JsonObject waiting = new JsonObject();
        if (pending != null) {
            waiting.put("parking", pending.parking().map(p -> new JsonObject().put("reason", p.reason())
                    .put("parkedAt", text(p.parkedAt()))).orElse(null));
            waiting.put("resync", pending.resync().map(SubscriberStory::resync).orElse(null));
            waiting.put("replay", pending.replay().map(SubscriberStory::resync).orElse(null));
        }
        return out.put("pending", waiting);
    }

    private static JsonObject resync(ResyncStore.Resync r) {
        return new JsonObject().put("id", r.id()).put("reason", r.reason()).put("status", r.status())
                .put("requestedAt", text(r.requestedAt()));
    }

    private static String text(OffsetDateTime at) {
        return at == null ? null : at.toInstant().toString();
    }
}
