package com.subsets.sync.model;

/** Who an event is about: at least one of userId and email is present; an absent one is null. */
public record Subscriber(String userId, String email) {
    public Subscriber {
        if (userId == null && email == null) {
            throw new IllegalArgumentException("a subscriber needs a userId or an email");
        }
    }
}
