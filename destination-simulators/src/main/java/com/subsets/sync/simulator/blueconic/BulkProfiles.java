package com.subsets.sync.simulator.blueconic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code PUT /rest/v2/profiles} against one tenant, as BlueConic documents it: one result per entry
 * ({@code identifier} echoed), profiles found by {@code profileId} or by {@code matching} on unique
 * identifier properties (outer list OR, inner AND), {@code UPDATE} never creates (NOTFOUND),
 * {@code UPSERT} creates, {@code DELETE} deletes the profile found (DELETED; NOTFOUND when there is none);
 * property rules SET, SET_IF_EMPTY, ADD, INCREMENT, REMOVE; a property that does not exist is the entry's
 * validation error; {@code objectiveIds} admits only profiles that consented to one of them (CONSENT_MISMATCH
 * otherwise) to be created or updated.
 *
 * <p>DELETE and what the document leaves unsaid: it says only "Will delete the profile with the given ID", and that
 * objectiveIds decide whether profiles are "updated or created". So a DELETE entry may find its profile by
 * {@code matching} as any entry does; its {@code properties}, if any, are accepted (their shape is checked as any
 * entry's) and ignored, never validated against the tenant's properties nor applied; and consent does not hold a
 * deletion back.
 */
final class BulkProfiles {

    /** BlueConic: "more than the allowed 1000 entries" gives 413 with the first 1,000 applied. */
    static final int MAX_ENTRIES = 1000;
    private static final Set<String> STRATEGIES = Set.of("UPDATE", "UPSERT", "DELETE");
    private static final Set<String> RULES = Set.of("SET", "SET_IF_EMPTY", "ADD", "INCREMENT", "REMOVE");
    /** What an absent array reads as; never written to. */
    private static final JsonArray NONE = new JsonArray(List.of());

    private final BlueConicTenant tenant;
    private final Set<String> objectives;

    BulkProfiles(BlueConicTenant tenant, Set<String> objectives) {
        this.tenant = tenant;
        this.objectives = objectives;
    }

    /** Checks the request's shape: a 400 in BlueConic's shape names the first bad field. */
    static List<JsonObject> entries(Object body) {
        if (!(body instanceof JsonArray array)) {
            throw new BlueConicSimulator.Rejection(400, "the body must be a JSON array of entries", "$");
        }
        List<JsonObject> entries = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            String at = "[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject entry)) {
                throw new BlueConicSimulator.Rejection(400, "an entry must be an object", at);
            }
            String strategy = entry.getString("strategy", "UPDATE");
            if (!STRATEGIES.contains(strategy)) {
                throw new BlueConicSimulator.Rejection(400, "strategy must be UPDATE, UPSERT or DELETE", at + ".strategy");
            }
            if (entry.containsKey("properties") && !(entry.getValue("properties") instanceof JsonArray)) {
                throw new BlueConicSimulator.Rejection(400, "properties must be an array", at + ".properties");
            }
            for (Object p : entry.getJsonArray("properties", NONE)) {
                if (!(p instanceof JsonObject rule) || !(rule.getValue("id") instanceof String)
                        || !(rule.getValue("values", NONE) instanceof JsonArray)
                        || !RULES.contains(rule.getString("strategy", "SET"))) {
                    throw new BlueConicSimulator.Rejection(400, "a property needs an id, values (strings) and a known strategy",
                            at + ".properties");
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    JsonArray apply(List<JsonObject> entries) {
        JsonArray results = new JsonArray();
        synchronized (tenant) {
            List<JsonObject> applied = entries.subList(0, Math.min(entries.size(), tenant.maxEntriesPerRequest()));
            for (JsonObject entry : applied) {
                results.add(applyOne(entry));
            }
            tenant.applied(applied.size());
        }
        return results;
    }

    private JsonObject applyOne(JsonObject entry) {
        JsonObject result = new JsonObject();
        if (entry.containsKey("identifier")) {
            result.put("identifier", entry.getString("identifier"));
        }
        JsonArray rules = entry.getJsonArray("properties", NONE);
        JsonArray matching = entry.getJsonArray("matching", NONE);
        String strategy = entry.getString("strategy", "UPDATE");
        JsonObject errors = validate(entry, rules, matching, strategy);
        if (!errors.isEmpty()) {
            return result.put("state", "SKIPPED").put("validationErrors", errors);
        }
        String profileId = entry.containsKey("profileId") ? known(entry.getString("profileId")) : match(matching);
        if (profileId == null && !"UPSERT".equals(strategy)) {
            return result.put("state", "NOTFOUND");
        }
        String refusal = profileId == null ? null : tenant.refusal(profileId);
        if (refusal != null) {
            return result.put("profileId", profileId).put("state", refusal);
        }
        if (!"DELETE".equals(strategy) && !objectives.isEmpty() && !consented(profileId, rules)) {
            return result.put("state", "CONSENT_MISMATCH");
        }
        if ("DELETE".equals(strategy)) {
            tenant.remove(profileId);
            return result.put("profileId", profileId).put("state", "DELETED");
        }
        boolean created = profileId == null;
        if (created) {
            profileId = java.util.UUID.randomUUID().toString();
            tenant.profiles.put(profileId, new LinkedHashMap<>());
            tenant.consent.put(profileId, new HashSet<>());
        }
        Map<String, List<String>> changes = changes(tenant.profiles.get(profileId), rules);
        if (!changes.isEmpty()) {
            tenant.write(profileId, changes);
        }
        boolean changed = !changes.isEmpty();
        return result.put("profileId", profileId).put("state", created ? "CREATED" : changed ? "MODIFIED" : "UNCHANGED");
    }

    /**
     * The entry's validation errors as BlueConic's document types them ({@code BulkResultBean.validationErrors}):
     * an object of property id to an array of messages.
     */
    private JsonObject validate(JsonObject entry, JsonArray rules, JsonArray matching, String strategy) {
        JsonObject errors = new JsonObject();
        for (Object o : "DELETE".equals(strategy) ? NONE : rules) {
            String id = ((JsonObject) o).getString("id");
            if (!tenant.properties.containsKey(id)) {
                addError(errors, id, "property does not exist");
            }
            for (Object value : ((JsonObject) o).getJsonArray("values", NONE)) {
                String refused = tenant.refusedValue(id, String.valueOf(value));
                if (refused != null) {
                    addError(errors, id, refused);
                }
            }
        }
        for (Object group : matching) {
            for (Object m : (JsonArray) group) {
                String id = ((JsonObject) m).getString("id");
                JsonObject definition = tenant.properties.get(id);
                if (definition == null || !definition.getBoolean("indexed", false)) {
                    addError(errors, id, "only unique identifier properties can be matched on");
                }
            }
        }
        if (!entry.containsKey("profileId") && matching.isEmpty() && !"UPSERT".equals(strategy)) {
            addError(errors, "profileId", "profileId or matching is required");
        }
        return errors;
    }

    private static void addError(JsonObject errors, String property, String message) {
        JsonArray messages = errors.getJsonArray(property);
        if (messages == null) {
            messages = new JsonArray();
            errors.put(property, messages);
        }
        if (!messages.contains(message)) {
            messages.add(message);
        }
    }

    private String known(String profileId) {
        return tenant.profiles.containsKey(profileId) ? profileId : null;
    }

    private String match(JsonArray matching) {
        for (Object group : matching) {
            String candidate = null;
            boolean all = true;
            for (Object m : (JsonArray) group) {
                JsonObject criterion = (JsonObject) m;
                String found = tenant.findProfile(criterion.getString("id"), criterion.getString("value"));
                if (found == null || (candidate != null && !candidate.equals(found))) {
                    all = false;
                    break;
                }
                candidate = found;
            }
            if (all && candidate != null) {
                return candidate;
            }
        }
        return null;
    }

    private boolean consented(String profileId, JsonArray rules) {
        Set<String> given = new HashSet<>(profileId == null ? Set.of() : tenant.consent.getOrDefault(profileId, Set.of()));
        for (Object o : rules) {
            JsonObject rule = (JsonObject) o;
            if ("consented_objectives".equals(rule.getString("id"))) {
                rule.getJsonArray("values", NONE).forEach(v -> given.add(String.valueOf(v)));
            }
        }
        return given.stream().anyMatch(objectives::contains);
    }

    /**
     * What the rules change in a profile: each changed property with its new values (empty: removed).
     * Rules apply in order, each to what the ones before it left.
     */
    static Map<String, List<String>> changes(Map<String, List<String>> profile, JsonArray rules) {
        Map<String, List<String>> changed = new LinkedHashMap<>();
        for (Object o : rules) {
            JsonObject rule = (JsonObject) o;
            String id = rule.getString("id");
            JsonArray given = rule.getJsonArray("values", NONE);
            List<String> values = new ArrayList<>(given.size());
            given.forEach(v -> values.add(String.valueOf(v)));
            List<String> current = changed.containsKey(id) ? changed.get(id) : profile.getOrDefault(id, List.of());
            List<String> next = switch (rule.getString("strategy", "SET")) {
                case "SET" -> values;
                case "SET_IF_EMPTY" -> current.isEmpty() ? values : current;
                case "ADD" -> {
                    List<String> merged = new ArrayList<>(current);
                    values.stream().filter(v -> !merged.contains(v)).forEach(merged::add);
                    yield merged;
                }
                case "INCREMENT" -> List.of(new BigDecimal(current.isEmpty() ? "0" : current.get(0))
                        .add(new BigDecimal(values.isEmpty() ? "0" : values.get(0))).toPlainString());
                case "REMOVE" -> current.stream().filter(v -> !values.contains(v)).toList();
                default -> current;
            };
            if (!next.equals(current)) {
                changed.put(id, List.copyOf(next));
            }
        }
        // A property changed back to what it was within one entry is no change.
        changed.entrySet().removeIf(e -> e.getValue().equals(profile.getOrDefault(e.getKey(), List.of())));
        return changed;
    }
}
