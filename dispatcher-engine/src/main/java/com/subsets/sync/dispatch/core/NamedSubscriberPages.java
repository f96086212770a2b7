package com.subsets.sync.dispatch.core;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys a replay names, gathered page by page from the control plane: each page adds keys not seen yet (a key seen
 * twice means the pages went back, and the paging would not end), never more than the replay said it names, and the
 * last page (no {@code next}) leaves exactly that many. Anything else fails, so a replay never runs on part of its keys.
 */
public final class NamedSubscriberPages {

    private final long expected;
    private final Set<String> keys;

    /** {@code expected}: how many the replay names, as the directory answer said. */
    public NamedSubscriberPages(long expected) {
        if (expected < 0) {
            throw new IllegalArgumentException("a replay names no negative number of subscribers: " + expected);
        }
        this.expected = expected;
        this.keys = new HashSet<>((int) Math.min(expected, 1 << 20) * 4 / 3 + 1);
    }

    /** Takes a page; answers the key to ask the next page after, or null once every key is in. */
    public String take(List<String> page, String next) {
        for (String key : page) {
            if (key == null || !keys.add(key)) {
                throw new IllegalStateException("the named subscribers' pages repeat a key (" + keys.size() + " read): "
                        + "they would never end");
            }
        }
        if (keys.size() > expected) {
            throw new IllegalStateException("the pages name more subscribers (" + keys.size() + ") than the replay does ("
                    + expected + ")");
        }
        if (next != null) {
            if (page.isEmpty()) {
                throw new IllegalStateException("an empty page of named subscribers that says more follow");
            }
            return next;
        }
        if (keys.size() != expected) {
            throw new IllegalStateException("the pages name " + keys.size() + " subscribers; the replay names " + expected);
        }
        return null;
    }

    /** Every key taken (read-only). */
    public Set<String> keys() {
        return Collections.unmodifiableSet(keys);
    }
}
