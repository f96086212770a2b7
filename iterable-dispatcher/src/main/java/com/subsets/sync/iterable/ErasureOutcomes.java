package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch holding erase rows, in two steps: each erase row's lookup ({@link UserLookups}) decides whether it is written
 * at all (a user Iterable does not have is skipped as {@code not_found}: bulkUpdate would create it; a failed lookup is
 * that row's failure), then one bulkUpdate carries the other rows and the erase rows of users found. This joins both
 * into one outcome per row of the batch, in its order: an erase row written is {@code cleared}.
 */
final class ErasureOutcomes {

    private ErasureOutcomes() {
    }

    /** The rows to write: every row of values, and the erase rows whose user was found ({@code found} parallel to rows). */
    static List<SubscriberUpdate> toWrite(List<SubscriberUpdate> rows, List<UserLookups.Found> found) {
        List<SubscriberUpdate> write = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).erasure() == null || found.get(i).exists()) {
                write.add(rows.get(i));
            }
        }
        return write;
    }

    /**
     * One outcome per row: an erase row's lookup failure or {@code not_found}, else the bulkUpdate's outcome of the row
     * ({@code written}: the answer for {@link #toWrite}'s rows, null when there were none).
     */
    static DeliveryResult join(List<SubscriberUpdate> rows, List<UserLookups.Found> found, DeliveryResult written) {
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        int next = 0;
        boolean answered = false;
        for (int i = 0; i < rows.size(); i++) {
            SubscriberUpdate row = rows.get(i);
            UserLookups.Found lookup = found.get(i);
            if (row.erasure() != null && !lookup.exists()) {
                answered |= lookup.failure() == null;
                outcomes.add(lookup.failure() != null ? lookup.failure() : Outcome.NOT_FOUND);
                continue;
            }
            Outcome outcome = written.outcomes().get(next++);
            outcomes.add(row.erasure() != null && outcome.kind() == Outcome.Kind.DELIVERED ? Outcome.CLEARED : outcome);
        }
        if (written == null) {
            // No bulkUpdate went: the lookups were the answer (a 200 when any of them was read).
            return new DeliveryResult(outcomes, false, 0, false, answered ? 200 : 0);
        }
        return new DeliveryResult(outcomes, written.throttled(), written.retryAfterMillis(), written.splittable(), written.status());
    }
}
