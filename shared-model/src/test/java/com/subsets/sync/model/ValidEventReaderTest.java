package com.subsets.sync.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming fast path against the tree path it shortcuts: on every contract example and on
 * thousands of random mutations of the valid ones, it must return the very event the tree path
 * builds (BigDecimal scale included) when the event is valid, and give up when it is not.
 */
class ValidEventReaderTest {

    private final EventCodec codec = new EventCodec();
    private final ValidEventReader reader = new ValidEventReader();

    /** The tree path alone: parse, validate, convert; null when anything is wrong. */
    private AssignmentEvent viaTree(String json) {
        try {
            DecodeResult result = codec.validate(codec.readTree(json.getBytes(UTF_8)));
            return result.isValid() ? result.event() : null;
        } catch (MalformedJsonException e) {
            return null;
        }
    }

    private void assertSameVerdict(String json) {
        AssignmentEvent expected = viaTree(json);
        AssignmentEvent fast = reader.read(json.getBytes(UTF_8));
        assertThat(fast).as(json).isEqualTo(expected);
        if (expected != null && expected.churnRisk() != null) {
            assertThat(fast.churnRisk().scale()).as("scale of churnRisk in " + json).isEqualTo(expected.churnRisk().scale());
        }
    }

    private static String asciiJson(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return EventCodec.mapper().writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                    .writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void agreesWithTheTreePathOnEveryContractExample() {
        for (ContractExamples.Example example : ContractExamples.all()) {
            // Escaped, so that an unpaired surrogate reaches the parser as the example holds it (\uD800), not as "?".
            String json = asciiJson(example.event());
            assertSameVerdict(json);
            assertThat(reader.read(json.getBytes(UTF_8)) != null).as(example.name()).isEqualTo(example.valid());
        }
    }

    @Test
    void agreesWithTheTreePathOnRandomMutationsOfValidEvents() {
        List<List<Map.Entry<String, Object>>> valid = ContractExamples.all().stream()
                .filter(ContractExamples.Example::valid).map(e -> JsonMutations.entries(e.event())).toList();
        long seed = 20261123L;
        Random random = new Random(seed);
        JsonMutations mutations = new JsonMutations(NAMES, RAW_VALUES, random);
        int accepted = 0;
        int runs = 30_000;
        for (int i = 0; i < runs; i++) {
            List<Map.Entry<String, Object>> event = JsonMutations.deepCopy(valid.get(random.nextInt(valid.size())));
            int times = 1 + random.nextInt(3);
            for (int m = 0; m < times; m++) {
                mutations.mutate(event);
            }
            String json = JsonMutations.render(event);
            if (random.nextInt(20) == 0) {
                json = mutations.mangle(json);
            }
            assertSameVerdict(json);
            accepted += viaTree(json) != null ? 1 : 0;
        }
        assertThat(accepted).as("both verdicts are exercised (seed " + seed + ")").isBetween(runs / 50, runs - runs / 50);
    }

    @Test
    void readsABatchOnlyWhenEveryEventIsValid() {
        List<String> valid = ContractExamples.all().stream().filter(ContractExamples.Example::valid)
                .map(e -> asciiJson(e.event())).toList();
        String array = "[" + String.join(",", valid) + "]";

        assertThat(reader.readAll(array.getBytes(UTF_8), 1000)).isEqualTo(valid.stream().map(this::viaTree).toList());
        assertThat(reader.readAll(valid.get(0).getBytes(UTF_8), 1000)).containsExactly(viaTree(valid.get(0)));
        assertThat(reader.readAll(array.getBytes(UTF_8), valid.size() - 1)).as("more than allowed").isNull();
        assertThat(reader.readAll("[]".getBytes(UTF_8), 1000)).as("empty").isNull();
        assertThat(reader.readAll(("[" + valid.get(0) + ",{}]").getBytes(UTF_8), 1000)).as("one invalid").isNull();
        assertThat(reader.readAll(("[" + valid.get(0) + ",1]").getBytes(UTF_8), 1000)).as("not an object").isNull();
        assertThat(reader.readAll((array + " []").getBytes(UTF_8), 1000)).as("trailing content").isNull();
        assertThat(reader.readAll(array.substring(0, array.length() - 1).getBytes(UTF_8), 1000)).as("unterminated").isNull();
        assertThat(reader.readAll("\"x\"".getBytes(UTF_8), 1000)).as("a string").isNull();
    }

    // ---- what mutations put in: names and raw JSON values ----

    private static final String[] NAMES = {"eventId", "type", "tenantId", "occurredAt", "subscriber", "experiment",
            "assignment", "addedAt", "churnRisk", "userId", "email", "id", "name", "extra"};
    private static final String[] RAW_VALUES = {
            "\"evt-1\"", "\"\"", "\" \"", "\"a b\"", "\"a\\u0001b\"", "\"a\\u0085\"", "\"" + "x".repeat(128) + "\"",
            "\"" + "x".repeat(129) + "\"", "\"" + "é".repeat(256) + "\"", "\"" + "é".repeat(257) + "\"", "\"\\ud83d\\ude00\"",
            "\"acme\"", "\"Acme\"", "\"-acme\"", "\"" + "a".repeat(63) + "\"", "\"" + "a".repeat(64) + "\"",
            "\"experiment.assigned\"", "\"experiment.unassigned\"", "\"churn_risk.scored\"", "\"Experiment.assigned\"",
            "\"subscriber.erased\"", "\"Subscriber.erased\"",
            "\"treatment\"", "\"control\"", "\"TREATMENT\"",
            "\"2026-11-22T09:59:00Z\"", "\"2026-11-22T10:59:00.123456789+01:00\"", "\"2026-02-30T00:00:00Z\"",
            "\"2026-11-22 09:59:00Z\"", "\"2026-11-22T09:59:00\"", "\"2024-02-29T23:59:59-18:00\"",
            "\"ada@example.com\"", "\"ada@example\"", "\"a..b@x.de\"",
            "0", "1", "0.5", "0.50", "1.0", "1.00", "0E-3", "5e-1", "100e-2", "-0.0", "-0", "0.0e5", "1.0000000001", "2",
            "-0.1", "0.735", "1e0", "12345678901234567890", "0.1234567890123456789012345",
            "5e-324", "4.9E-324", "2e-324", "1e-400", "1e-30", "3.2e-25", "1e-30000000", "2e600000000", "1.00000000000000000001",
            "true", "false", "null", "[]", "[\"a\"]", "{}", "{\"userId\":\"u\"}", "{\"email\":\"e@x.io\"}",
            "{\"id\":\"exp\"}", "{\"id\":\"exp\",\"name\":\"N\"}", "{\"id\":\"exp\",\"id\":\"exp\"}", "{\"name\":\"N\"}",
            "{\"userId\":\"u\",\"userId\":\"v\"}", "{\"userId\":\"u\",\"extra\":1}"};
}
