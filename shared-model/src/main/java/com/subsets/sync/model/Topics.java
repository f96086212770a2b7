package com.subsets.sync.model;

/**
 * Kafka topic names, versioned with the contract: a v2 contract gets new topics, so consumers of v1
 * never meet a record they cannot read.
 */
public final class Topics {

    /** Every assignment event, from ingest or produced directly by a platform service. */
    public static final String ASSIGNMENT_EVENTS = "subsets.assignment-events.v1";

    /**
     * Each subscriber's current five fields (compacted; key tenant and subscriber, partitioned by tenant). v2: one
     * record per subscriber whichever identifiers its events name it by, keyed by its userId (its e-mail when it has
     * none), a record superseded by a link tombstoned ({@link SubscriberKey#ofState}); v1 keyed by each pair of
     * identifiers an event named.
     */
    public static final String SUBSCRIBER_STATE = "subsets.subscriber-state.v2";

    /** Dispatchers' delivery reports (counts and last errors per tenant), read by the provisioner. */
    public static final String DELIVERY_REPORTS = "subsets.delivery-reports.v1";

    /**
     * What each destination made of each subscriber's row (accepted values, refusals, dead letters), one record per
     * answer keyed by tenant ({@link SubscriberDeliveries}); read by the provisioner.
     */
    public static final String SUBSCRIBER_DELIVERIES = "subsets.subscriber-deliveries.v1";

    /**
     * One record per erasure the state service applied ({@link Erasure}, keyed by tenant): who was forgotten, by every
     * identifier of theirs it knew; read by the provisioner (erasure status, segment memberships, deliveries kept).
     */
    public static final String ERASURES = "subsets.erasures.v1";

    /** Subscribers entering and leaving followed BlueConic segments, keyed by tenant. */
    public static final String SEGMENT_MEMBERSHIPS = "subsets.segment-memberships.v1";

    private Topics() {
    }

    /** The dead-letter topic of one dispatcher, e.g. {@code subsets.assignment-events.v1.dlq.iterable}. */
    public static String deadLetter(String destination) {
        if (destination == null || !destination.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("destination must be lowercase letters, digits and -");
        }
        return ASSIGNMENT_EVENTS + ".dlq." + destination;
    }
}
