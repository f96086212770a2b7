package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.dispatch.core.UnexpectedResponse;
import com.subsets.sync.model.DestinationField;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Iterable's answer to a bulkUpdate into one outcome per row. A 200 is not "all delivered": users
 * listed in {@code failedUpdates} were not updated and are matched back by identifier. Forgotten users
 * (GDPR) are never retried; invalid identifiers, invalid data, identity conflicts and unknown users are
 * permanent and go to the dead-letter topic with the list that named them.
 */
final class BulkUpdateReader {

    /** failedUpdates list (without its Emails/UserIds suffix) to the reason recorded. */
    private static final Map<String, String> REASONS = Map.of(
            "forgotten", "forgotten",
            "invalid", "invalid_identifier",
            "invalidData", "invalid_data",
            "conflict", "identity_conflict",
            "notFound", "not_found");

    private BulkUpdateReader() {
    }

    static DeliveryResult read(int status, String body, String retryAfter, IterableDestination destination,
                               List<SubscriberUpdate> rows) {
        if (status == 200) {
            return ok(body, destination, rows);
        }
        if (status / 100 == 1 || status / 100 == 2 || status / 100 == 3) {
            // A redirect (never followed: it could carry the key elsewhere) or another success than 200.
            throw new UnexpectedResponse(status, "a status Iterable does not document for bulkUpdate", body);
        }
        String code = errorCode(body);
        if (status == 400 && ("RequestFieldsTypesMismatched".equals(code) || "BatchTooLarge".equals(code))) {
            // Something some rows carry: halves isolate them and let the others through.
            return DeliveryResult.splittable(rows.size(), Outcome.permanent(
                    "RequestFieldsTypesMismatched".equals(code) ? "field_type_mismatch" : "batch_too_large", body), status);
        }
        Outcome outcome = FailureClassifier.ofStatus(status, body);
        if (status == 429) {
            return DeliveryResult.throttled(rows.size(), outcome, retryAfterMillis(retryAfter), status);
        }
        return DeliveryResult.uniform(rows.size(), outcome, status);
    }

    /**
     * A 200 typed as Iterable's document types it ({@code UserBulkUpdateListResponse}): an object whose
     * counts are integers, whose field lists are arrays of strings, and whose {@code failedUpdates} is an
     * object of arrays of identifiers. Any other shape is an {@link UnexpectedResponse}.
     */
    private static DeliveryResult ok(String body, IterableDestination destination, List<SubscriberUpdate> rows) {
        JsonObject response;
        try {
            response = new JsonObject(body);
        } catch (DecodeException | NullPointerException e) {
            throw new UnexpectedResponse(200, "not a JSON object", body);
        }
        for (String count : List.of("successCount", "failCount")) {
            if (response.containsKey(count) && !(response.getValue(count) instanceof Integer || response.getValue(count) instanceof Long)) {
                throw new UnexpectedResponse(200, count + " is not an integer", body);
            }
        }
        for (String list : List.of("createdFields", "filteredOutFields", "invalidEmails", "invalidUserIds")) {
            strings(response, list, body);
        }
        Object failedValue = response.getValue("failedUpdates");
        if (failedValue != null && !(failedValue instanceof JsonObject)) {
            throw new UnexpectedResponse(200, "failedUpdates is not an object", body);
        }
        JsonObject failed = failedValue == null ? new JsonObject() : (JsonObject) failedValue;
        for (String list : failed.fieldNames()) {
            strings(failed, list, body);
        }
        boolean byEmail = destination.identifier() == IterableDestination.Identifier.EMAIL;
        String suffix = byEmail ? "Emails" : "UserIds";
        Map<String, String> failedBy = new HashMap<>();
        REASONS.forEach((list, reason) -> {
            for (String id : strings(failed, list + suffix, body)) {
                failedBy.putIfAbsent(matchable(id, byEmail), reason + "|failedUpdates." + list + suffix);
            }
        });
        List<String> filtered = strings(response, "filteredOutFields", body);
        List<String> ours = new ArrayList<>();
        for (DestinationField field : DestinationField.values()) {
            if (filtered.contains(field.iterableName())) {
                ours.add(field.iterableName());
            }
        }
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        for (SubscriberUpdate row : rows) {
            String failure = failedBy.get(matchable(row.key(), byEmail));
            if (failure != null && row.erasure() != null && (failure.startsWith("not_found|") || failure.startsWith("forgotten|"))) {
                // An erase row for a user who is gone (deleted since the lookup, or forgotten): nothing there to clear.
                outcomes.add(Outcome.skipped("not_found", "Iterable listed the user in " + failure.split("\\|", 2)[1]));
            } else if (failure != null) {
                String[] parts = failure.split("\\|", 2);
                outcomes.add(Outcome.permanent(parts[0], "Iterable listed the user in " + parts[1]));
            } else if (!ours.isEmpty()) {
                outcomes.add(Outcome.permanent("fields_filtered_out", "Iterable dropped " + ours
                        + ": the project drops unknown fields and they were never provisioned"));
            } else {
                outcomes.add(Outcome.DELIVERED);
            }
        }
        return new DeliveryResult(outcomes, false, 0, false, 200);
    }

    /**
     * Iterable matches e-mail addresses without regard to case (it lists forgotten ones lowercased), so a user
     * it names in another case than ours is still ours: a failure must never read as a delivery.
     */
    private static String matchable(String identifier, boolean byEmail) {
        return byEmail ? identifier.toLowerCase(java.util.Locale.ROOT) : identifier;
    }

    /** The named array of strings (empty when absent); anything else is an unexpected answer. */
    private static List<String> strings(JsonObject object, String name, String body) {
        Object value = object.getValue(name);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw new UnexpectedResponse(200, name + " is not an array", body);
        }
        List<String> texts = new ArrayList<>(array.size());
        for (Object item : array) {
            if (!(item instanceof String text)) {
                throw new UnexpectedResponse(200, name + " holds something other than strings", body);
            }
            texts.add(text);
        }
        return texts;
    }

    private static String errorCode(String body) {
        try {
            return new JsonObject(body).getString("code");
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    /** Iterable documents no Retry-After; honour one in seconds if it ever appears. */
    static long retryAfterMillis(String header) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(header.trim()) * 1000);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
