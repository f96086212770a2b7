package com.subsets.sync.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The streaming reader of state records against the tree path it shortcuts: it reads every record the codec
 * writes, and on thousands of random mutations of them, whatever it reads is the very record the tree path
 * builds (it may give up where the tree accepts, never the other way round).
 */
class StateRecordReaderTest {

    private static final Random RANDOM = new Random(20261203L);

    /** The tree path alone; null where it refuses. */
    private static StateRecord viaTree(byte[] bytes) {
        try {
            return StateRecordCodec.decodeTree(bytes);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static StateRecord viaReader(byte[] bytes) {
        return Utf8Check.firstInvalid(bytes) < 0 ? StateRecordReader.read(bytes) : null;
    }

    @Test
    void readsEveryRecordTheCodecWritesAsTheTreeDoes() {
        for (int i = 0; i < 2_000; i++) {
            StateRecord state = randomState();
            byte[] bytes = StateRecordCodec.encode(state);

            assertThat(viaReader(bytes)).as(new String(bytes, UTF_8)).isEqualTo(state).isEqualTo(viaTree(bytes));
        }
    }

    @Test
    void whatItReadsFromAMutatedRecordIsWhatTheTreeBuilds() {
        JsonMutations mutations = new JsonMutations(NAMES, RAW_VALUES, RANDOM);
        int treeAccepted = 0;
        int readerAccepted = 0;
        int runs = 30_000;
        for (int i = 0; i < runs; i++) {
            List<Map.Entry<String, Object>> record = JsonMutations.entries(
                    new EventCodec().readTree(StateRecordCodec.encode(randomState())));
            int times = 1 + RANDOM.nextInt(3);
            for (int m = 0; m < times; m++) {
                mutations.mutate(record);
            }
            String json = JsonMutations.render(record);
            if (RANDOM.nextInt(20) == 0) {
                json = mutations.mangle(json);
            }
            byte[] bytes = json.getBytes(UTF_8);
            StateRecord tree = viaTree(bytes);
            StateRecord read = viaReader(bytes);
            if (read != null) {
                assertThat(read).as(json).isEqualTo(tree);
                readerAccepted++;
            }
            treeAccepted += tree != null ? 1 : 0;
        }
        assertThat(treeAccepted).as("both verdicts are exercised").isBetween(runs / 50, runs - runs / 50);
        // The tree also accepts properties it does not know, which the reader leaves to it.
        assertThat(readerAccepted).as("records the reader read, each checked").isGreaterThan(runs / 50);
    }

    @Test
    void givesUpOnWhatTheTreeMustJudge() {
        String valid = new String(StateRecordCodec.encode(new StateRecord("acme", new Subscriber("u-1", null), Map.of(
                DestinationField.CHURN_RISK, new FieldFact("0.42", Instant.parse("2026-11-22T10:00:00Z"), 17, "e-9")))), UTF_8);
        for (String json : List.of(valid.replaceFirst("\\{\"tenantId\"", "{\"extra\":1,\"tenantId\""), valid + "{}",
                valid.replace("\"offset\":", "\"offset\":1.0,\"x\":"), "[]", valid.substring(0, valid.length() - 1))) {
            byte[] bytes = json.getBytes(UTF_8);
            assertThat(StateRecordReader.read(bytes)).as(json).isNull();
        }
        assertThat(StateRecordCodec.decode(valid.replaceFirst("\\{\"tenantId\"", "{\"extra\":1,\"tenantId\"").getBytes(UTF_8)))
                .as("a property the reader does not know, judged by the tree").isEqualTo(StateRecordCodec.decode(valid.getBytes(UTF_8)));
    }

    private static StateRecord randomState() {
        Map<DestinationField, FieldFact> fields = new EnumMap<>(DestinationField.class);
        for (DestinationField field : DestinationField.values()) {
            if (RANDOM.nextInt(3) > 0) {
                String value = switch (RANDOM.nextInt(4)) {
                    case 0 -> null;
                    case 1 -> "0." + RANDOM.nextInt(100);
                    case 2 -> "Ex\u00e9 \"" + RANDOM.nextInt(1000) + "\"\\\ud83d\ude00";
                    default -> "exp-" + RANDOM.nextInt(1000);
                };
                Instant at = Instant.ofEpochSecond(1_780_000_000L + RANDOM.nextInt(1_000_000),
                        RANDOM.nextBoolean() ? 0 : RANDOM.nextInt(1_000_000_000));
                long offset = RANDOM.nextLong() >>> RANDOM.nextInt(63);
                // Half the fields remember more than their current fact (issue 28's first value and values seen).
                FieldMemory memory = FieldMemory.of(value, at, offset);
                for (int n = RANDOM.nextBoolean() ? 0 : RANDOM.nextInt(25); n > 0; n--) {
                    memory = memory.with("v" + RANDOM.nextInt(30), at.minusSeconds(RANDOM.nextInt(100_000)), RANDOM.nextInt(1000));
                }
                fields.put(field, new FieldFact(value, at, offset, "evt-" + RANDOM.nextInt(1_000_000), memory));
            }
        }
        String userId = RANDOM.nextInt(4) == 0 ? null : "user-" + RANDOM.nextInt(1000);
        String email = userId != null && RANDOM.nextBoolean() ? null : "ada" + RANDOM.nextInt(1000) + "@example.com";
        return new StateRecord("tenant-" + RANDOM.nextInt(50), new Subscriber(userId, email), fields);
    }

    private static final String[] NAMES = {"tenantId", "subscriber", "fields", "userId", "email", "value", "occurredAt",
            "offset", "eventId", "first", "seen", "subsetsExperimentId", "subsetsSubscriberChurnRisk", "subsetsExperimentAssignment", "colour"};
    private static final String[] RAW_VALUES = {
            "\"acme\"", "\"Acme\"", "\"\"", "\"evt-1\"", "\"a\\u0001b\"", "\"\\ud83d\\ude00\"", "\"" + "a".repeat(64) + "\"",
            "\"2026-11-22T09:59:00Z\"", "\"2026-11-22T10:59:00.123456789+01:00\"", "\"2026-02-30T00:00:00Z\"", "\"soon\"",
            "0", "1", "-1", "17.0", "1.5", "1e3", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
            "true", "null", "[]", "{}", "{\"userId\":\"u\"}", "{\"email\":\"e@x.io\"}", "{\"userId\":1}",
            "{\"value\":\"v\",\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":3,\"eventId\":\"e\"}",
            "[\"v\",\"2026-11-22T09:59:00Z\",3]", "[\"v\",\"2026-11-22T09:59:00Z\",3.0]",
            "[[\"w\",\"2026-11-21T09:59:00Z\",1],[\"v\",\"2026-11-22T09:59:00Z\",3]]",
            "{\"value\":null,\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":3,\"eventId\":\"e\",\"x\":1}",
            "{\"subsetsExperimentId\":{\"value\":null,\"occurredAt\":\"2026-11-22T09:59:00Z\",\"offset\":3,\"eventId\":\"e\"}}"};
}
