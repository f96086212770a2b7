package com.subsets.sync.model;

/**
 * One thing wrong with an event: where (a JSON path such as {@code subscriber.email}, or {@code $}
 * for the event itself) and what, in words a person can act on.
 */
public record Violation(String path, String message) {

    /** The same violation inside a batch: {@code [3].subscriber.email}. */
    public Violation atIndex(int index) {
        String prefix = "[" + index + "]";
        return new Violation("$".equals(path) ? prefix : prefix + "." + path, message);
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
