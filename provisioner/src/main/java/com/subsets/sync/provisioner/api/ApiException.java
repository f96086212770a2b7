package com.subsets.sync.provisioner.api;

import com.subsets.sync.model.Violation;
import java.util.List;

/** A refusal with its HTTP status and stable code; written by {@link ApiErrors} in the one error shape. */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final int status;
    private final String code;
    private final transient List<Violation> violations;

    ApiException(int status, String code, String message) {
        this(status, code, message, List.of());
    }

    ApiException(int status, String code, String message, List<Violation> violations) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.violations = List.copyOf(violations);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    List<Violation> violations() {
        return violations;
    }
}
