package com.subsets.sync.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads contract v1 events straight off the JSON token stream, for the common case where they are
 * valid: no tree, no second pass. It accepts exactly what {@link EventValidator} accepts and builds
 * what {@link EventCodec} builds from the tree; at the first thing it does not expect (a syntax error,
 * an unknown or repeated property, a broken rule) it gives up with null, and the caller takes the tree
 * path, which names every problem. {@code ValidEventReaderTest} holds the two paths to the same verdict
 * and the same event on the contract's examples and on thousands of mutations of them. Decoding
 * through the tree was about half of what a dispatcher allocated (async-profiler, bench/blueconic.sh).
 */
final class ValidEventReader {

    /**
     * Mapper's parser settings minus duplicate detection, which allocates a map per object: the reader
     * refuses a repeated property itself, and the tree path then reports it.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static final int EVENT_ID = 1;
    private static final int TYPE = 1 << 1;
    private static final int TENANT_ID = 1 << 2;
    private static final int OCCURRED_AT = 1 << 3;
    private static final int SUBSCRIBER = 1 << 4;
    private static final int EXPERIMENT = 1 << 5;
    private static final int ASSIGNMENT = 1 << 6;
    private static final int ADDED_AT = 1 << 7;
    private static final int CHURN_RISK = 1 << 8;
    private static final int ALWAYS_REQUIRED = EVENT_ID | TYPE | TENANT_ID | OCCURRED_AT | SUBSCRIBER;

    /** The event that {@code bytes} holds alone, or null when it is anything but one valid event. */
    AssignmentEvent read(byte[] bytes) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            AssignmentEvent event = readEvent(parser);
            return event != null && parser.nextToken() == null ? event : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The events of a body holding one event or an array of 1 to {@code maxEvents} events, or null
     * unless every one of them is valid.
     */
    List<AssignmentEvent> readAll(byte[] bytes, int maxEvents) {
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            List<AssignmentEvent> events = new ArrayList<>();
            if (first == JsonToken.START_OBJECT) {
                events.add(readEvent(parser));
            } else if (first == JsonToken.START_ARRAY) {
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.START_OBJECT && events.size() < maxEvents) {
                    AssignmentEvent event = readEvent(parser);
                    if (event == null) {
                        return null;
                    }
                    events.add(event);
                }
                if (next != JsonToken.END_ARRAY) {
                    return null;
                }
            }
            boolean complete = !events.isEmpty() && events.get(0) != null && parser.nextToken() == null;
            return complete ? events : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Reads the object the parser is at the start of; null as soon as it is not a valid event. */
    private static AssignmentEvent readEvent(JsonParser parser) throws IOException {
        String eventId = null;
        EventType type = null;
        String tenantId = null;
        Instant occurredAt = null;
        Subscriber subscriber = null;
        Experiment experiment = null;
        Assignment assignment = null;
        Instant addedAt = null;
        BigDecimal churnRisk = null;
        int seen = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            int property;
            switch (parser.currentName()) {
                case "eventId" -> {
                    property = EVENT_ID;
                    eventId = text(parser);
                    if (eventId == null || !TextRules.isEventId(eventId)) {
                        return null;
                    }
                }
                case "type" -> {
                    property = TYPE;
                    type = eventType(text(parser));
                    if (type == null) {
                        return null;
                    }
                }
                case "tenantId" -> {
                    property = TENANT_ID;
                    tenantId = text(parser);
                    if (tenantId == null || !TextRules.isTenantId(tenantId)) {
                        return null;
                    }
                }
                case "occurredAt" -> {
                    property = OCCURRED_AT;
                    occurredAt = instant(parser);
                    if (occurredAt == null) {
                        return null;
                    }
                }
                case "subscriber" -> {
                    property = SUBSCRIBER;
                    subscriber = subscriber(parser);
                    if (subscriber == null) {
                        return null;
                    }
                }
                case "experiment" -> {
                    property = EXPERIMENT;
                    experiment = experiment(parser);
                    if (experiment == null) {
                        return null;
                    }
                }
                case "assignment" -> {
                    property = ASSIGNMENT;
                    assignment = assignment(text(parser));
                    if (assignment == null) {
                        return null;
                    }
                }
                case "addedAt" -> {
                    property = ADDED_AT;
                    addedAt = instant(parser);
                    if (addedAt == null) {
                        return null;
                    }
                }
                case "churnRisk" -> {
                    property = CHURN_RISK;
                    churnRisk = churnRisk(parser);
                    if (churnRisk == null) {
                        return null;
                    }
                }
                default -> {
                    return null;
                }
            }
            if ((seen & property) != 0) {
                return null;
            }
            seen |= property;
        }
        if ((seen & ALWAYS_REQUIRED) != ALWAYS_REQUIRED || !kindFieldsFit(type, seen, experiment)) {
            return null;
        }
        return new AssignmentEvent(eventId, type, tenantId, occurredAt, subscriber, experiment, assignment, addedAt, churnRisk);
    }

    /** The presence rules that depend on the kind of event (see EventValidator.checkKindFields). */
    private static boolean kindFieldsFit(EventType type, int seen, Experiment experiment) {
        return switch (type) {
            case ASSIGNED -> (seen & (EXPERIMENT | ASSIGNMENT | ADDED_AT)) == (EXPERIMENT | ASSIGNMENT | ADDED_AT)
                    && experiment.id() != null && experiment.name() != null;
            case UNASSIGNED -> (seen & (ASSIGNMENT | ADDED_AT | CHURN_RISK)) == 0 && (seen & EXPERIMENT) != 0
                    && experiment.id() != null;
            case CHURN_RISK_SCORED -> (seen & (EXPERIMENT | ASSIGNMENT | ADDED_AT)) == 0 && (seen & CHURN_RISK) != 0;
            case ERASED -> (seen & (EXPERIMENT | ASSIGNMENT | ADDED_AT | CHURN_RISK)) == 0;
        };
    }

    private static Subscriber subscriber(JsonParser parser) throws IOException {
        String[] values = textPair(parser, "userId", USER_ID, "email", EMAIL);
        return values == null || (values[0] == null && values[1] == null) ? null : new Subscriber(values[0], values[1]);
    }

    /** An experiment with an id; whether a name is required depends on the kind, checked later. */
    private static Experiment experiment(JsonParser parser) throws IOException {
        String[] values = textPair(parser, "id", EXPERIMENT_ID, "name", EXPERIMENT_NAME);
        return values == null || values[0] == null ? null : new Experiment(values[0], values[1]);
    }

    /** A text property's rule: at most so many code points, and what the text must be. */
    private record TextRule(int maxCodePoints, Predicate<String> allowed) {
        boolean admits(String text) {
            return text != null && fits(text, maxCodePoints) && allowed.test(text);
        }
    }

    private static final TextRule USER_ID = new TextRule(EventValidator.MAX_USER_ID, TextRules::isText);
    private static final TextRule EMAIL = new TextRule(EventValidator.MAX_EMAIL, TextRules::isEmail);
    private static final TextRule EXPERIMENT_ID = new TextRule(EventValidator.MAX_EXPERIMENT_ID, TextRules::isText);
    private static final TextRule EXPERIMENT_NAME = new TextRule(EventValidator.MAX_EXPERIMENT_NAME,
            text -> !text.isEmpty() && TextRules.isDisplayText(text));

    /**
     * An object of at most the two named text properties, each once and admitted by its rule: their
     * values (null where absent), or null at anything else.
     */
    private static String[] textPair(JsonParser parser, String firstName, TextRule firstRule, String secondName,
                                     TextRule secondRule) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        String[] values = new String[2];
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            int index = name.equals(firstName) ? 0 : name.equals(secondName) ? 1 : -1;
            if (index < 0 || values[index] != null) {
                return null;
            }
            values[index] = text(parser);
            if (!(index == 0 ? firstRule : secondRule).admits(values[index])) {
                return null;
            }
        }
        return values;
    }

    /** A number the contract admits ({@link ChurnRiskRule}), as the tree gives it: integers as they are, decimals without trailing zeros. */
    private static BigDecimal churnRisk(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            return null;
        }
        BigDecimal value = parser.getDecimalValue();
        if (!ChurnRiskRule.admits(value)) {
            return null;
        }
        return token == JsonToken.VALUE_NUMBER_FLOAT ? value.stripTrailingZeros() : value;
    }

    private static Instant instant(JsonParser parser) throws IOException {
        String text = text(parser);
        return text == null ? null : Rfc3339.parse(text);
    }

    /** The next value if it is a string; null for anything else (the caller gives up). */
    private static String text(JsonParser parser) throws IOException {
        return parser.nextToken() == JsonToken.VALUE_STRING ? parser.getText() : null;
    }

    private static boolean fits(String text, int maxCodePoints) {
        return text.length() <= maxCodePoints || text.codePointCount(0, text.length()) <= maxCodePoints;
    }

    private static EventType eventType(String wireName) {
        if (wireName == null) {
            return null;
        }
        return switch (wireName) {
            case "experiment.assigned" -> EventType.ASSIGNED;
            case "experiment.unassigned" -> EventType.UNASSIGNED;
            case "churn_risk.scored" -> EventType.CHURN_RISK_SCORED;
            case "subscriber.erased" -> EventType.ERASED;
            default -> null;
        };
    }

    private static Assignment assignment(String wireName) {
        if (wireName == null) {
            return null;
        }
        return switch (wireName) {
            case "treatment" -> Assignment.TREATMENT;
            case "control" -> Assignment.CONTROL;
            default -> null;
        };
    }
}
