package com.subsets.sync.model;

/**
 * How an event sits in a Kafka record. The key is the tenant id, so one tenant's events keep their
 * order in one partition and one dispatcher replica owns that tenant's rate budget. The value is the
 * event's JSON; headers say its type and content type (producers should set them, consumers never
 * rely on them: the value is the truth).
 */
public final class RecordContract {

    public static final String HEADER_EVENT_TYPE = "event-type";
    public static final String HEADER_CONTENT_TYPE = "content-type";
    public static final String CONTENT_TYPE = "application/vnd.subsets.assignment-event.v1+json";

    private RecordContract() {
    }

    public static String keyOf(AssignmentEvent event) {
        return event.tenantId();
    }
}
