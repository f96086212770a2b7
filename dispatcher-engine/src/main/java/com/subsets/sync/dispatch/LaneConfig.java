package com.subsets.sync.dispatch;

/**
 * A tenant's ready destination as the engine sees it.
 *
 * @param laneId one per destination credential (an Iterable project, a BlueConic tenant): tenants that
 *     share a credential share its lane, its rate budget and its coalescing
 * @param requestsPerSecond the credential's request budget
 * @param maxInFlight requests at once on this lane (the ceiling, when concurrency adapts)
 * @param initialInFlight where adaptive concurrency starts, from 1 to {@code maxInFlight}
 * @param adaptiveConcurrency start at {@code initialInFlight} and find the destination's limit (BlueConic
 *     documents a concurrency limit without a number); otherwise {@code maxInFlight} from the start
 */
public record LaneConfig<C>(String laneId, C destination, double requestsPerSecond, int maxInFlight, int initialInFlight,
                            boolean adaptiveConcurrency) {

    /** A lane whose in-flight limit is fixed (Iterable limits the request rate, not concurrency). */
    public static <C> LaneConfig<C> fixed(String laneId, C destination, double requestsPerSecond, int maxInFlight) {
        return new LaneConfig<>(laneId, destination, requestsPerSecond, maxInFlight, maxInFlight, false);
    }

    /** A lane that starts at {@code initialInFlight} requests at once and adapts up to {@code maxInFlight}. */
    public static <C> LaneConfig<C> adaptive(String laneId, C destination, double requestsPerSecond, int initialInFlight,
                                             int maxInFlight) {
        return new LaneConfig<>(laneId, destination, requestsPerSecond, maxInFlight, initialInFlight, true);
    }
}
