package com.subsets.sync.model;

import java.util.List;

/**
 * What {@link EventCodec#decode} made of a record's bytes: a valid event, or why not. A failure is
 * either bytes that are not JSON or JSON that breaks the contract, each with every violation found.
 */
public record DecodeResult(AssignmentEvent event, Failure failure, List<Violation> violations) {

    public enum Failure {
        MALFORMED_JSON,
        CONTRACT_VIOLATION
    }

    public DecodeResult {
        violations = List.copyOf(violations);
    }

    static DecodeResult valid(AssignmentEvent event) {
        return new DecodeResult(event, null, List.of());
    }

    static DecodeResult invalid(Failure failure, List<Violation> violations) {
        return new DecodeResult(null, failure, violations);
    }

    public boolean isValid() {
        return event != null;
    }

    /** All violations in one line, for a dead-letter header or an error message. */
    public String describe() {
        return String.join("; ", violations.stream().map(Violation::toString).toList());
    }
}
