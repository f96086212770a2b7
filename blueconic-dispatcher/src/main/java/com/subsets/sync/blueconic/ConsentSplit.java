package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.DeliveryResult;
import com.subsets.sync.dispatch.core.Outcome;
import com.subsets.sync.dispatch.core.SubscriberUpdate;
import java.util.ArrayList;
import java.util.List;

/**
 * A batch of a destination with consent objectives that holds erase rows, as two requests: the rows of values, written
 * only to profiles that consented ({@code objectiveIds}), and the erase rows, sent without objectives (a profile whose
 * consent was withdrawn after Subsets wrote to it must still lose those properties). {@link #join} puts the two
 * answers back into one outcome per row, in the batch's order.
 */
record ConsentSplit(List<SubscriberUpdate> rows, List<SubscriberUpdate> values, List<SubscriberUpdate> erasures) {

    /** The split of {@code rows}, or null when one request does (no objectives, or no erase row); {@code values} may be empty. */
    static ConsentSplit of(BlueConicDestination destination, List<SubscriberUpdate> rows) {
        if (destination.objectiveIds().isEmpty()) {
            return null;
        }
        List<SubscriberUpdate> values = new ArrayList<>();
        List<SubscriberUpdate> erasures = new ArrayList<>();
        rows.forEach(row -> (row.erasure() == null ? values : erasures).add(row));
        return erasures.isEmpty() ? null : new ConsentSplit(rows, values, erasures);
    }

    /**
     * One outcome per row from the two answers. Throttled if either was; split in halves if either asks for it (the
     * engine then sends the whole batch again in halves: SET is idempotent); the status is the first answer's that is
     * not a success, else the erasures'.
     */
    DeliveryResult join(DeliveryResult ofValues, DeliveryResult ofErasures) {
        List<Outcome> outcomes = new ArrayList<>(rows.size());
        int value = 0;
        int erasure = 0;
        for (SubscriberUpdate row : rows) {
            outcomes.add(row.erasure() == null ? ofValues.outcomes().get(value++) : ofErasures.outcomes().get(erasure++));
        }
        return new DeliveryResult(outcomes, ofValues.throttled() || ofErasures.throttled(),
                Math.max(ofValues.retryAfterMillis(), ofErasures.retryAfterMillis()),
                ofValues.splittable() || ofErasures.splittable(),
                ofValues.status() / 100 == 2 ? ofErasures.status() : ofValues.status());
    }
}
