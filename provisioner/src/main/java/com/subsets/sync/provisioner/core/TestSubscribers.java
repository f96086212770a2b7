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
 * them, each identified as an event's subscriber is (the same rules and limits), nothing else in an entry; and the
 * ones saved on a destination ({@code "testSubscribers"} of its registration, 0 to {@value #MAX}), by the same rules. Pure.
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
        List<Violation> problems = unknownNames(body);
        if (!(body.getValue("subscribers") instanceof JsonArray list)) {
            problems.add(new Violation("subscribers", "is required: a list of 1 to " + MAX + " {userId, email} objects"));
            return new Read(List.of(), problems);
        }
        Read read = list("subscribers", list, 1);
        problems.addAll(read.problems());
        return new Read(problems.isEmpty() ? read.subscribers() : List.of(), problems);
    }

    /** A body's names other than {@code subscribers}: a test delivery takes nothing else. */
    public static List<Violation> unknownNames(JsonObject body) {
        List<Violation> problems = new ArrayList<>();
        for (String name : body.fieldNames()) {
            if (!name.equals("subscribers")) {
                problems.add(new Violation(name, "unknown property; a test delivery takes subscribers only"));
            }
        }
        return problems;
    }

    /**
     * The test subscribers saved on a destination ({@code testSubscribers} of its registration): 0 to {@value #MAX},
     * the same rules as a test delivery's; absent or null: none.
     */
    public static Read saved(Object value) {
        if (value == null) {
            return new Read(List.of(), List.of());
        }
        if (!(value instanceof JsonArray list)) {
            return new Read(List.of(), List.of(new Violation("testSubscribers", "must be a list of 0 to " + MAX
                    + " {userId, email} objects")));
        }
        return list("testSubscribers", list, 0);
    }

    /** Each saved subscriber as its registration names it: {userId?, email?}. */
    public static JsonArray json(List<Subscriber> subscribers) {
        JsonArray out = new JsonArray();
        subscribers.forEach(s -> {
            JsonObject entry = new JsonObject();
            if (s.userId() != null) {
                entry.put("userId", s.userId());
            }
            if (s.email() != null) {
                entry.put("email", s.email());
            }
            out.add(entry);
        });
        return out;
    }

    private static Read list(String path, JsonArray list, int min) {
        List<Violation> problems = new ArrayList<>();
        if (list.size() < min || list.size() > MAX) {
            problems.add(new Violation(path, "must hold " + min + " to " + MAX + " subscribers, not " + list.size()));
            return new Read(List.of(), problems);
        }
        List<Subscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String prefix = path + "[" + i + "].";
            if (!(list.getValue(i) instanceof JsonObject entry)) {
                problems.add(new Violation(path + "[" + i + "]", "must be an object with userId and/or email"));
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
