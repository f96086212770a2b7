package com.subsets.sync.ingest;

import com.subsets.sync.model.Violation;
import java.util.List;

/** A request refused for a known reason; {@link ErrorResponses} turns it into the documented body. */
final class IngestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient List<IndexedViolation> violations;
    private final int eventCount;

    IngestException(ErrorCode code, String message) {
        this(code, message, List.of(), 0);
    }

    IngestException(ErrorCode code, String message, List<IndexedViolation> violations, int eventCount) {
        super(message, null, false, false);
        this.code = code;
        this.violations = List.copyOf(violations);
        this.eventCount = eventCount;
    }

    ErrorCode code() {
        return code;
    }

    List<IndexedViolation> violations() {
        return violations;
    }

    /** How many events the refused request carried, where that is known (0 otherwise). */
    int eventCount() {
        return eventCount;
    }

    /** A violation of the event at {@code index} in the request (0 for a single event). */
    record IndexedViolation(int index, Violation violation) {
    }
}
