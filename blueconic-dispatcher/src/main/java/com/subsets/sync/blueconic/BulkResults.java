package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.core.UnexpectedResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * BlueConic's bulk answer, typed as its document types it ({@code BulkResultBean} in
 * blueconic-rest-v2-r103.openapi.json): an array of results, each with an optional {@code identifier} and
 * {@code profileId} (strings), a {@code state} from the document's nine, {@code validationErrors} as an
 * object of property id to an array of messages, and {@code timeline} as an array. Anything else is an
 * {@link UnexpectedResponse}, named with the status and the start of the body.
 */
record BulkResults(List<Result> results) {

    static final Set<String> STATES = Set.of("CREATED", "SKIPPED", "MODIFIED", "UNCHANGED", "NOTFOUND",
            "RESTRICTION_MISMATCH", "CONSENT_MISMATCH", "DELETED", "UNAUTHORIZED");

    /** One entry's result; {@code validationErrors} is empty when the answer had none. */
    record Result(String identifier, String profileId, String state, Map<String, List<String>> validationErrors) {
    }

    static BulkResults read(int status, String body) {
        Object parsed;
        try {
            parsed = body == null || body.isBlank() ? null : io.vertx.core.json.Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new UnexpectedResponse(status, "not JSON", body);
        }
        if (!(parsed instanceof JsonArray array)) {
            throw new UnexpectedResponse(status, "not an array of bulk results", body);
        }
        List<Result> results = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof JsonObject result)) {
                throw new UnexpectedResponse(status, "result [" + i + "] is not an object", body);
            }
            results.add(result(status, body, i, result));
        }
        return new BulkResults(results);
    }

    private static Result result(int status, String body, int index, JsonObject result) {
        String at = "result [" + index + "] ";
        String identifier = optionalString(status, body, result, "identifier", at);
        String profileId = optionalString(status, body, result, "profileId", at);
        if (!(result.getValue("state") instanceof String state) || !STATES.contains(state)) {
            throw new UnexpectedResponse(status, at + "has no state among BlueConic's nine", body);
        }
        if (result.containsKey("timeline") && !(result.getValue("timeline") instanceof JsonArray)) {
            throw new UnexpectedResponse(status, at + "has a timeline that is not an array", body);
        }
        return new Result(identifier, profileId, state, validationErrors(status, body, result, at));
    }

    private static Map<String, List<String>> validationErrors(int status, String body, JsonObject result, String at) {
        Object value = result.getValue("validationErrors");
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof JsonObject byProperty)) {
            throw new UnexpectedResponse(status, at + "has validationErrors that are not an object of property to messages", body);
        }
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (String property : byProperty.fieldNames()) {
            if (!(byProperty.getValue(property) instanceof JsonArray messages)) {
                throw new UnexpectedResponse(status, at + "has validationErrors." + property + " that is not an array", body);
            }
            List<String> texts = new ArrayList<>(messages.size());
            for (Object message : messages) {
                if (!(message instanceof String text)) {
                    throw new UnexpectedResponse(status, at + "has a validation message that is not a string", body);
                }
                texts.add(text);
            }
            errors.put(property, texts);
        }
        return errors;
    }

    private static String optionalString(int status, String body, JsonObject result, String field, String at) {
        Object value = result.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new UnexpectedResponse(status, at + "has a " + field + " that is not a string", body);
        }
        return (String) value;
    }
}
