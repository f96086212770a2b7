package com.subsets.sync.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The shared example events of contract v1 (src/test/resources/contract/examples.v1.json). */
final class ContractExamples {

    record Example(String name, JsonNode event, Set<String> expectedPaths) {
        boolean valid() {
            return expectedPaths.isEmpty();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private ContractExamples() {
    }

    static List<Example> all() {
        try (InputStream in = ContractExamples.class.getResourceAsStream("/contract/examples.v1.json")) {
            JsonNode root = EventCodec.mapper().readTree(in);
            List<Example> examples = new ArrayList<>();
            for (JsonNode c : root) {
                Set<String> paths = new TreeSet<>();
                c.get("violations").forEach(p -> paths.add(p.asText()));
                examples.add(new Example(c.get("name").asText(), c.get("event"), paths));
            }
            return examples;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode schema() {
        try (InputStream in = ContractExamples.class.getResourceAsStream("/contract/assignment-event.v1.schema.json")) {
            return EventCodec.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
