package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a parsed JSON value against contract v1 and returns every problem at once. The same rules
 * are published as {@code contract/assignment-event.v1.schema.json}; {@code SchemaAgreementTest}
 * holds the two to the same verdict on the shared examples.
 */
public final class EventValidator {

    /** Shared with every API that takes a tenant id, so a tenant registered anywhere can send events. */
    public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    static final int MAX_USER_ID = 256;
    static final int MAX_EMAIL = 254;
    static final int MAX_EXPERIMENT_ID = 128;
    /** Display text typed into Subsets: both vendors store strings far longer. */
    static final int MAX_EXPERIMENT_NAME = 1_000;

    private static final Set<String> EVENT_PROPERTIES = Set.of(
            "eventId", "type", "tenantId", "occurredAt", "subscriber", "experiment", "assignment", "addedAt", "churnRisk");
    private static final Set<String> SUBSCRIBER_PROPERTIES = Set.of("userId", "email");
    private static final Set<String> EXPERIMENT_PROPERTIES = Set.of("id", "name");

    /** Every problem with {@code event}; empty when it is a valid v1 event. */
    public List<Violation> validate(JsonNode event) {
        List<Violation> problems = new ArrayList<>();
        if (event == null || !event.isObject()) {
            problems.add(new Violation("$", "must be a JSON object"));
            return problems;
        }
        rejectUnknown(event, "", EVENT_PROPERTIES, problems);
        requiredMatching(event, "eventId", TextRules::isEventId, "must be 1 to 128 characters of A-Z a-z 0-9 . _ : -", problems);
        Optional<EventType> type = checkType(event, problems);
        requiredMatching(event, "tenantId", TextRules::isTenantId,
                "must be 1 to 63 characters of a-z 0-9 and -, starting with a letter or digit", problems);
        checkInstant(event, "occurredAt", true, problems);
        checkSubscriber(event.get("subscriber"), problems);
        type.ifPresentOrElse(t -> checkKindFields(event, t, problems), () -> checkKindFieldShapes(event, problems));
        return problems;
    }

    private static Optional<EventType> checkType(JsonNode event, List<Violation> problems) {
        JsonNode type = event.get("type");
        if (type == null) {
            problems.add(new Violation("type", "is required"));
            return Optional.empty();
        }
        Optional<EventType> known = type.isTextual() ? EventType.fromWireName(type.asText()) : Optional.empty();
        if (known.isEmpty()) {
            problems.add(new Violation("type",
                    "must be one of experiment.assigned, experiment.unassigned, churn_risk.scored, subscriber.erased"));
        }
        return known;
    }

    /**
     * The problems of a subscriber's identifiers, by the rules and limits an event's subscriber is held to (at least
     * one of them; text, at most 256 characters for a userId, an address of at most 254 for an e-mail); {@code prefix}
     * starts each violation's path, e.g. {@code subscribers[3].}. Null or absent identifiers are {@code null}.
     */
    public static List<Violation> subscriberProblems(String prefix, Object userId, Object email) {
        List<Violation> problems = new ArrayList<>();
        if (userId == null && email == null) {
            problems.add(new Violation(prefix.isEmpty() ? "subscriber" : prefix.substring(0, prefix.length() - 1),
                    "needs at least one of userId and email"));
        }
        if (userId != null && !(userId instanceof String u && u.length() <= MAX_USER_ID && TextRules.isText(u))) {
            problems.add(new Violation(prefix + "userId", "must be non-blank text without control characters or unpaired "
                    + "surrogates, at most " + MAX_USER_ID + " characters"));
        }
        if (email != null && !(email instanceof String e && e.length() <= MAX_EMAIL && TextRules.isEmail(e))) {
            problems.add(new Violation(prefix + "email", "not an email address (at most " + MAX_EMAIL + " characters)"));
        }
        return problems;
    }

    private static void checkSubscriber(JsonNode subscriber, List<Violation> problems) {
        if (subscriber == null) {
            problems.add(new Violation("subscriber", "is required"));
            return;
        }
        if (!subscriber.isObject()) {
            problems.add(new Violation("subscriber", "must be an object with userId and/or email"));
            return;
        }
        rejectUnknown(subscriber, "subscriber.", SUBSCRIBER_PROPERTIES, problems);
        if (!subscriber.has("userId") && !subscriber.has("email")) {
            problems.add(new Violation("subscriber", "needs at least one of userId and email"));
        }
        optionalText(subscriber, "subscriber.", "userId", TextRules::isText, MAX_USER_ID,
                "must be non-blank text without control characters or unpaired surrogates", problems);
        optionalText(subscriber, "subscriber.", "email", TextRules::isEmail, MAX_EMAIL, "not an email address", problems);
    }

    /** The fields whose presence depends on the kind of event. */
    private static void checkKindFields(JsonNode event, EventType type, List<Violation> problems) {
        switch (type) {
            case ASSIGNED -> {
                checkExperiment(event.get("experiment"), true, true, problems);
                checkAssignment(event.get("assignment"), true, problems);
                checkInstant(event, "addedAt", true, problems);
                checkChurnRisk(event.get("churnRisk"), false, problems);
            }
            case UNASSIGNED -> {
                checkExperiment(event.get("experiment"), true, false, problems);
                forbid(event, type, problems, "assignment", "addedAt", "churnRisk");
            }
            case CHURN_RISK_SCORED -> {
                checkChurnRisk(event.get("churnRisk"), true, problems);
                forbid(event, type, problems, "experiment", "assignment", "addedAt");
            }
            case ERASED -> forbid(event, type, problems, "experiment", "assignment", "addedAt", "churnRisk");
        }
    }

    /** Without a known type nothing is required, but whatever is present must still have its shape. */
    private static void checkKindFieldShapes(JsonNode event, List<Violation> problems) {
        checkExperiment(event.get("experiment"), false, false, problems);
        checkAssignment(event.get("assignment"), false, problems);
        checkInstant(event, "addedAt", false, problems);
        checkChurnRisk(event.get("churnRisk"), false, problems);
    }

    private static void checkExperiment(JsonNode experiment, boolean required, boolean nameRequired,
                                        List<Violation> problems) {
        if (experiment == null) {
            if (required) {
                problems.add(new Violation("experiment", "is required for this type"));
            }
            return;
        }
        if (!experiment.isObject()) {
            problems.add(new Violation("experiment", "must be an object with id and name"));
            return;
        }
        rejectUnknown(experiment, "experiment.", EXPERIMENT_PROPERTIES, problems);
        if (!experiment.has("id")) {
            if (required) {
                problems.add(new Violation("experiment.id", "is required"));
            }
        } else {
            optionalText(experiment, "experiment.", "id", TextRules::isText, MAX_EXPERIMENT_ID,
                    "must be non-blank text without control characters or unpaired surrogates", problems);
        }
        if (!experiment.has("name")) {
            if (nameRequired) {
                problems.add(new Violation("experiment.name", "is required for experiment.assigned"));
            }
        } else {
            optionalText(experiment, "experiment.", "name", TextRules::isDisplayText, MAX_EXPERIMENT_NAME,
                    "must be 1 or more characters without control characters other than tab, line feed and carriage "
                            + "return, and without unpaired surrogates", problems);
        }
    }

    private static void checkAssignment(JsonNode assignment, boolean required, List<Violation> problems) {
        if (assignment == null) {
            if (required) {
                problems.add(new Violation("assignment", "is required for experiment.assigned"));
            }
            return;
        }
        if (!assignment.isTextual() || Assignment.fromWireName(assignment.asText()).isEmpty()) {
            problems.add(new Violation("assignment", "must be treatment or control"));
        }
    }

    private static void checkChurnRisk(JsonNode churnRisk, boolean required, List<Violation> problems) {
        if (churnRisk == null) {
            if (required) {
                problems.add(new Violation("churnRisk", "is required for churn_risk.scored"));
            }
            return;
        }
        // Never formatted back: a rejected number may be thirty million digits long once printed.
        if (!churnRisk.isNumber() || !ChurnRiskRule.admits(churnRisk.decimalValue())) {
            problems.add(new Violation("churnRisk", ChurnRiskRule.RULE));
        }
    }

    private static void checkInstant(JsonNode event, String name, boolean required, List<Violation> problems) {
        JsonNode value = event.get(name);
        if (value == null) {
            if (required) {
                problems.add(new Violation(name, "is required"));
            }
            return;
        }
        if (!value.isTextual() || Rfc3339.parse(value.asText()) == null) {
            problems.add(new Violation(name,
                    "must be an ISO-8601 instant with an offset, such as 2026-11-22T09:59:00Z"));
        }
    }

    private static void requiredMatching(JsonNode object, String name, Predicate<String> allowed, String rule,
                                         List<Violation> problems) {
        JsonNode value = object.get(name);
        if (value == null) {
            problems.add(new Violation(name, "is required"));
        } else if (!value.isTextual() || !allowed.test(value.asText())) {
            problems.add(new Violation(name, rule));
        }
    }

    private static void optionalText(JsonNode object, String prefix, String name, Predicate<String> allowed,
                                     int maxLength, String rule, List<Violation> problems) {
        JsonNode value = object.get(name);
        if (value == null) {
            return;
        }
        if (!value.isTextual()) {
            problems.add(new Violation(prefix + name, "must be a string"));
            return;
        }
        String text = value.asText();
        if (text.isEmpty()) {
            problems.add(new Violation(prefix + name, "must not be empty"));
        } else if (text.codePointCount(0, text.length()) > maxLength) {
            problems.add(new Violation(prefix + name, "must be at most " + maxLength + " characters"));
        } else if (!allowed.test(text)) {
            problems.add(new Violation(prefix + name, rule));
        }
    }

    private static void forbid(JsonNode event, EventType type, List<Violation> problems, String... names) {
        for (String name : names) {
            if (event.has(name)) {
                problems.add(new Violation(name, "is not allowed for " + type.wireName()));
            }
        }
    }

    private static void rejectUnknown(JsonNode object, String prefix, Set<String> known, List<Violation> problems) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(new Violation(prefix + name, "unknown property"));
            }
        }
    }
}
