package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.Violation;
import java.util.List;

/** A registration body that breaks the rules: every problem, each with its JSON path. */
public final class InvalidRegistration extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient List<Violation> violations;

    public InvalidRegistration(List<Violation> violations) {
        super(violations.size() + " problem(s) with the destination: " + violations, null, false, false);
        this.violations = List.copyOf(violations);
    }

    public List<Violation> violations() {
        return violations;
    }
}
