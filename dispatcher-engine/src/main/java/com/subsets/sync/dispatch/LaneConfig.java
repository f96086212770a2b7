package com.subsets.sync.dispatch;

/**
 * A tenant's ready destination as the engine sees it.
 *
 * @param budgetId what the vendor limits as one (an Iterable project, a BlueConic instance and application):
 *     tenants on one budget share its rate and concurrency and take turns; each keeps its own lane, so a
 *     request never carries two tenants' rows or settings
 * @param requestsPerSecond the credential's request budget
 * @param maxInFlight requests at once on this lane (the ceiling, when concurrency adapts)
 * @param initialInFlight where adaptive concurrency starts, from 1 to {@code maxInFlight}
 * @param adaptiveConcurrency start at {@code initialInFlight} and find the destination's limit (BlueConic
 *     documents a concurrency limit without a number); otherwise {@code maxInFlight} from the start
 */
public record LaneConfig<C>(String budgetId, C destination, double requestsPerSecond, int maxInFlight, int initialInFlight,
                            boolean adaptiveConcurrency) {

    /** A lane whose in-flight limit is fixed (Iterable limits the request rate, not concurrency). */
    public static <C> LaneConfig<C> fixed(String budgetId, C destination, double requestsPerSecond, int maxInFlight) {
        return new LaneConfig<>(budgetId, destination, requestsPerSecond, maxInFlight, maxInFlight, false);
    }

    /** A lane that starts at {@code initialInFlight} requests at once and adapts up to {@code maxInFlight}. */
    public static <C> LaneConfig<C> adaptive(String budgetId, C destination, double requestsPerSecond, int initialInFlight,
                                             int maxInFlight) {
        return new LaneConfig<>(budgetId, destination, requestsPerSecond, maxInFlight, initialInFlight, true);
    }
}
