package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Random mutations of JSON objects, to hold a streaming fast path to the tree path it shortcuts. An object is
 * a list of ordered entries whose leaves are raw JSON text, so a key may repeat and a value may be anything.
 */
final class JsonMutations {

    private final String[] names;
    private final String[] rawValues;
    private final Random random;

    /** Mutations that add properties named from {@code names} and set values from {@code rawValues}. */
    JsonMutations(String[] names, String[] rawValues, Random random) {
        this.names = names;
        this.rawValues = rawValues;
        this.random = random;
    }

    /** One change somewhere in {@code object}: a property removed, a value replaced, a property added or repeated. */
    void mutate(List<Map.Entry<String, Object>> object) {
        List<Map.Entry<String, Object>> target = object;
        // Down into a nested object now and then, so every level is mutated.
        for (boolean descend = true; descend; ) {
            descend = false;
            for (Map.Entry<String, Object> entry : target) {
                if (entry.getValue() instanceof List<?> nested && random.nextInt(3) == 0) {
                    @SuppressWarnings("unchecked")
                    List<Map.Entry<String, Object>> inner = (List<Map.Entry<String, Object>>) nested;
                    target = inner;
                    descend = true;
                    break;
                }
            }
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                if (!target.isEmpty()) {
                    target.remove(random.nextInt(target.size()));
                }
            }
            case 1 -> {
                // Replace a value in place (or add a property when there is none).
                String raw = rawValue();
                if (target.isEmpty()) {
                    target.add(new SimpleEntry<>(name(), raw));
                } else {
                    target.get(random.nextInt(target.size())).setValue(raw);
                }
            }
            case 2 -> target.add(random.nextInt(target.size() + 1), new SimpleEntry<>(name(), rawValue()));
            default -> {
                if (!target.isEmpty()) {
                    // Repeat a property, same or other value.
                    Map.Entry<String, Object> entry = target.get(random.nextInt(target.size()));
                    target.add(new SimpleEntry<>(entry.getKey(), random.nextBoolean() ? entry.getValue() : rawValue()));
                }
            }
        }
    }

    /** The text cut short, followed by more, or with a space or a quote put in somewhere. */
    String mangle(String json) {
        int at = random.nextInt(json.length());
        return switch (random.nextInt(4)) {
            case 0 -> json.substring(0, at);
            case 1 -> json + (random.nextBoolean() ? " {}" : " ");
            case 2 -> json.substring(0, at) + " \n\t" + json.substring(at);
            default -> json.substring(0, at) + "\"" + json.substring(at);
        };
    }

    private String name() {
        return names[random.nextInt(names.length)];
    }

    private String rawValue() {
        return rawValues[random.nextInt(rawValues.length)];
    }

    static List<Map.Entry<String, Object>> entries(JsonNode object) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = field.getValue();
            entries.add(new SimpleEntry<>(field.getKey(), value.isObject() ? entries(value) : value.toString()));
        }
        return entries;
    }

    @SuppressWarnings("unchecked")
    static List<Map.Entry<String, Object>> deepCopy(List<Map.Entry<String, Object>> object) {
        List<Map.Entry<String, Object>> copy = new ArrayList<>();
        for (Map.Entry<String, Object> entry : object) {
            Object value = entry.getValue() instanceof List<?> nested
                    ? deepCopy((List<Map.Entry<String, Object>>) nested) : entry.getValue();
            copy.add(new SimpleEntry<>(entry.getKey(), value));
        }
        return copy;
    }

    @SuppressWarnings("unchecked")
    static String render(List<Map.Entry<String, Object>> object) {
        return object.stream().map(e -> "\"" + e.getKey() + "\":" + (e.getValue() instanceof List<?> nested
                        ? render((List<Map.Entry<String, Object>>) nested) : e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
