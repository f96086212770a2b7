package com.subsets.sync.provisioner.core;

import com.subsets.sync.model.EventValidator;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.model.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A test delivery's subscribers, read from {@code {"subscribers": [{"userId"|"email", ...}]}}: 1 to {@value #MAX} of
 * them, each identified as an event's subscriber is (the same rules and limits), nothing else in an entry. Pure.
 */
public final class TestSubscribers {

    /** At most this many subscribers a test delivery. */
    public static final int MAX = 25;

    /** The subscribers, or every problem at once (non-empty {@code problems}: nothing to send). */
    public record Read(List<Subscriber> subscribers, List<Violation> problems) {
    }

    private TestSubscribers() {
    }

    public static Read read(JsonObject body) {
        List<Violation> problems = new ArrayList<>();
        for (String name : body.fieldNames()) {
            if (!name.equals("subscribers")) {
                problems.add(new Violation(name, "unknown property; a test delivery takes subscribers only"));
            }
        }
        if (!(body.getValue("subscribers") instanceof JsonArray list)) {
            problems.add(new Violation("subscribers", "is required: a list of 1 to " + MAX + " {userId, email} objects"));
            return new Read(List.of(), problems);
        }
        if (list.isEmpty() || list.size() > MAX) {
            problems.add(new Violation("subscribers", "must hold 1 to " + MAX + " subscribers, not " + list.size()));
            return new Read(List.of(), problems);
        }
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String prefix = "subscribers[" + i + "].";
            if (!(list.getValue(i) instanceof JsonObject entry)) {
                problems.add(new Violation("subscribers[" + i + "]", "must be an object with userId and/or email"));
                continue;
            }
            for (String name : entry.fieldNames()) {
                if (!name.equals("userId") && !name.equals("email")) {
                    problems.add(new Violation(prefix + name, "unknown property; a subscriber has userId and/or email"));
                }
            }
            List<Violation> these = EventValidator.subscriberProblems(prefix, entry.getValue("userId"), entry.getValue("email"));
            problems.addAll(these);
            if (these.isEmpty()) {
                subscribers.add(new Subscriber(entry.getString("userId"), entry.getString("email")));
            }
        }
        return new Read(problems.isEmpty() ? List.copyOf(subscribers) : List.of(), problems);
    }

    /** Their state-topic keys ({@link SubscriberKey#ofState}), each once, in the order given. */
    public static List<String> stateKeys(String tenantId, List<Subscriber> subscribers) {
        Set<String> keys = new LinkedHashSet<>();
        subscribers.forEach(s -> keys.add(SubscriberKey.ofState(tenantId, s).encode()));
        return List.copyOf(keys);
    }

    /** The identity a state key names (a userId key names no e-mail, an e-mail key no userId). */
    public static Subscriber ofStateKey(String key) {
        String[] parts = key.split("\u001F", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a subscriber key");
        }
        return new Subscriber(parts[1].isEmpty() ? null : parts[1], parts[2].isEmpty() ? null : parts[2]);
    }
}
