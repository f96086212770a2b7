package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.FailureClassifier;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import com.subsets.sync.dispatch.core.UnexpectedResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads BlueConic's bulk answer into one outcome per row, correlated on {@code identifier} (the order
 * of results is not promised). MODIFIED, UNCHANGED, CREATED and DELETED are delivered. Dead-lettered,
 * because a replay can help once something changes: NOTFOUND (the profile may be created later, or the
 * tenant moves to UPSERT), RESTRICTION_MISMATCH and UNAUTHORIZED (the application's permissions), SKIPPED,
 * and any entry with validation errors (with BlueConic's messages, property by property). CONSENT_MISMATCH
 * is skipped and counted, not dead-lettered: the subscriber withheld consent, so writing would be wrong,
 * and a replay would resurrect stale values. A 413 applied the first 1,000 entries: those are read as
 * answered, and an entry without a result is retried, never resent whole. An answer of any other shape
 * is an {@link UnexpectedResponse}. An erase row's result says what became of the erasure: DELETED is
 * {@code deleted}, MODIFIED and UNCHANGED {@code cleared}, NOTFOUND a skip ({@code not_found}: nothing of the
 * subscriber there, and nothing created), anything else read as for any row.
 */
final class ProfilesReader {

    private ProfilesReader() {
    }

    static DeliveryResult read(int status, String body, List<SubscriberUpdate> rows) {
        if (status == 200 || status == 413) {
            return results(status, BulkResults.read(status, body), rows);
        }
        if (status / 100 == 3 || status / 100 == 1 || status / 100 == 2) {
            // A redirect or another success than 200 is not in BlueConic's document for this operation.
            throw new UnexpectedResponse(status, "a status BlueConic does not document for PUT /profiles", body);
        }
        if (status == 401) {
            // Only a token fetched just now gets here (the first 401 renews it and tries once more), and the
            // token endpoint accepted the credentials: the vendor's token state is at fault (a 401 storm),
            // not the data. Retry with backoff within the give-up bound rather than dead-letter; refused
            // credentials show at the token endpoint (invalid_client) and are dead-lettered there.
            return DeliveryResult.uniform(rows.size(), Outcome.retriable("token_refused", body), status);
        }
        Outcome outcome = FailureClassifier.ofStatus(status, body);
        if (status == 400) {
            // BlueConic names the bad field of one entry for the whole request ({code, message, errors}): halves
            // isolate the entries that carry it and let the others through, as for Iterable.
            return DeliveryResult.splittable(rows.size(), outcome, status);
        }
        if (status == 429 || status == 503) {
            // BlueConic sends no Retry-After: back off on our own.
            return DeliveryResult.throttled(rows.size(), outcome, 0, status);
        }
        return DeliveryResult.uniform(rows.size(), outcome, status);
    }

    private static DeliveryResult results(int status, BulkResults answer, List<SubscriberUpdate> rows) {
        Map<String, BulkResults.Result> byIdentifier = new HashMap<>();
        for (BulkResults.Result result : answer.results()) {
            if (result.identifier() != null) {
                byIdentifier.put(result.identifier(), result);
            }
        }
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        for (SubscriberUpdate row : rows) {
            BulkResults.Result result = byIdentifier.get(row.key());
            outcomes.add(result == null ? Outcome.retriable("not_processed", "no result for this entry (HTTP " + status + ")")
                    : row.erasure() != null ? erasureOutcome(result) : outcome(result));
        }
        return new DeliveryResult(outcomes, false, 0, false, status);
    }

    /** An erase row's result: done (cleared, deleted), nothing there (not_found), or what it is for any row. */
    static Outcome erasureOutcome(BulkResults.Result result) {
        if (!result.validationErrors().isEmpty()) {
            return outcome(result);
        }
        return switch (result.state()) {
            case "DELETED" -> Outcome.DELETED;
            case "MODIFIED", "UNCHANGED" -> Outcome.CLEARED;
            case "NOTFOUND" -> Outcome.NOT_FOUND;
            default -> outcome(result);
        };
    }

    static Outcome outcome(BulkResults.Result result) {
        if (!result.validationErrors().isEmpty()) {
            return Outcome.permanent("validation_error", "BlueConic " + result.state() + ": " + result.validationErrors().entrySet()
                    .stream().map(e -> e.getKey() + ": " + String.join(", ", e.getValue())).collect(Collectors.joining("; ")));
        }
        return switch (result.state()) {
            case "MODIFIED", "UNCHANGED", "CREATED", "DELETED" -> Outcome.DELIVERED;
            case "CONSENT_MISMATCH" -> Outcome.skipped("consent_mismatch", "the profile has not consented to the objectives");
            case "NOTFOUND" -> Outcome.permanent("not_found", "BlueConic found no profile matching this subscriber");
            case "RESTRICTION_MISMATCH" -> Outcome.permanent("restriction_mismatch", "BlueConic: RESTRICTION_MISMATCH");
            case "UNAUTHORIZED" -> Outcome.permanent("unauthorized", "BlueConic: UNAUTHORIZED (check the application's PII permissions)");
            default -> Outcome.permanent("skipped", "BlueConic skipped the entry without validation errors");
        };
    }
}
