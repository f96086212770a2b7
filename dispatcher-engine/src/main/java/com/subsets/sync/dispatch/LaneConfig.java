package com.subsets.sync.dispatch;

/**
 * A tenant's ready destination as the engine sees it.
 *
 * @param laneId one per destination credential (an Iterable project, a BlueConic tenant): tenants that
 *     share a credential share its lane, its rate budget and its coalescing
 * @param requestsPerSecond the credential's request budget
 * @param maxInFlight requests at once on this lane (the ceiling, when concurrency adapts)
 * @param adaptiveConcurrency start at one request in flight and find the destination's limit (BlueConic
 *     documents a concurrency limit without a number); otherwise {@code maxInFlight} from the start
 */
public record LaneConfig<C>(String laneId, C destination, double requestsPerSecond, int maxInFlight,
                            boolean adaptiveConcurrency) {
}
