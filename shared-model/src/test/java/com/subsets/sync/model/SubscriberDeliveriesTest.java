package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriberDeliveriesTest {

    private static final Instant AT = Instant.parse("2026-12-06T10:00:00Z");

    private static Map<DestinationField, FieldValue> fields(String experiment) {
        Map<DestinationField, FieldValue> fields = new EnumMap<>(DestinationField.class);
        fields.put(DestinationField.EXPERIMENT_ID, FieldValue.set(experiment));
        fields.put(DestinationField.EXPERIMENT_NAME, FieldValue.CLEAR);
        return fields;
    }

    @Test
    void roundTripsEveryRowWithItsOutcomeWordsAndClearedValues() {
        List<SubscriberDeliveries.Row> rows = List.of(
                new SubscriberDeliveries.Row(new Subscriber("u-1", "ada@example.com"), SubscriberDeliveries.Outcome.ACCEPTED,
                        null, null, fields("exp-1")),
                new SubscriberDeliveries.Row(new Subscriber(null, "bob@example.com"), SubscriberDeliveries.Outcome.DEAD_LETTERED,
                        "forgotten", "forgottenEmails: bob@example.com \"quoted\"\n", fields("exp-2")));
        List<byte[]> records = SubscriberDeliveries.encode("acme", "iterable", AT, rows, 1 << 20);
        assertThat(records).hasSize(1);
        SubscriberDeliveries back = SubscriberDeliveries.decode(records.get(0));
        assertThat(back.tenantId()).isEqualTo("acme");
        assertThat(back.destination()).isEqualTo("iterable");
        assertThat(back.at()).isEqualTo(AT);
        assertThat(back.rows()).containsExactlyElementsOf(rows);
        assertThat(back.rows().get(0).reason()).isEqualTo("accepted");
        assertThat(back.rows().get(1).values()).containsEntry("subsetsExperimentId", "exp-2").containsEntry("subsetsExperimentName", null);
        assertThat(back.rows().get(1).stateKey("acme")).isEqualTo(SubscriberKey.ofEmail("acme", "bob@example.com").encode());
        assertThat(back.rows().get(0).stateKey("acme")).isEqualTo(SubscriberKey.ofUserId("acme", "u-1").encode());
    }

    @Test
    void splitsALargeAnswerIntoRecordsOfBoundedSizeKeepingEveryRowInOrder() {
        List<SubscriberDeliveries.Row> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(new SubscriberDeliveries.Row(new Subscriber("u-" + i, null), SubscriberDeliveries.Outcome.DEAD_LETTERED,
                    "invalid_data", "w".repeat(5000), fields("x".repeat(900))));
        }
        List<byte[]> records = SubscriberDeliveries.encode("acme", "iterable", AT, rows, 64 * 1024);
        assertThat(records.size()).isGreaterThan(10);
        // a record passes the bound by at most one row (a few KB)
        assertThat(records).allSatisfy(r -> assertThat(r.length).isLessThan(64 * 1024 + 4096));
        List<String> ids = records.stream().flatMap(r -> SubscriberDeliveries.decode(r).rows().stream())
                .map(r -> r.subscriber().userId()).toList();
        assertThat(ids).hasSize(1000).startsWith("u-0", "u-1").endsWith("u-999");
        assertThat(SubscriberDeliveries.decode(records.get(0)).rows().get(0).detail())
                .hasSize(SubscriberDeliveries.MAX_DETAIL_CHARS).endsWith("…");
    }

    @Test
    void anEmptyAnswerIsNoRecord() {
        assertThat(SubscriberDeliveries.encode("acme", "iterable", AT, List.of(), 1024)).isEmpty();
    }

    @Test
    void abbreviatingNeverSplitsASurrogatePair() {
        String text = "a".repeat(8) + "\uD83D\uDE00" + "b".repeat(10);
        assertThat(SubscriberDeliveries.abbreviate(text, 10)).isEqualTo("a".repeat(8) + "…");
    }

    @Test
    void writesRowsCompactlyAndTellsAFieldNotSentFromAFieldCleared() {
        SubscriberDeliveries.Row row = new SubscriberDeliveries.Row(new Subscriber("u-1", null), SubscriberDeliveries.Outcome.ACCEPTED,
                null, null, fields("exp-1"));
        String json = new String(SubscriberDeliveries.encode("acme", "iterable", AT, List.of(row), 1024).get(0), StandardCharsets.UTF_8);
        assertThat(json).contains("\"fields\":[\"subsetsExperimentId\",")
                .contains("[\"u-1\",null,\"accepted\",[\"exp-1\",false,null,false,false]]");
        SubscriberDeliveries.Row back = SubscriberDeliveries.decode(json.getBytes(StandardCharsets.UTF_8)).rows().get(0);
        assertThat(back.fields()).containsOnlyKeys(DestinationField.EXPERIMENT_ID, DestinationField.EXPERIMENT_NAME);
        assertThat(back.fields().get(DestinationField.EXPERIMENT_NAME).isClear()).isTrue();
    }

    @Test
    void refusesWhatIsNotADeliveriesRecord() {
        assertThatThrownBy(() -> SubscriberDeliveries.decode("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a subscriber deliveries record");
        String head = "{\"tenantId\":\"a\",\"destination\":\"iterable\",\"at\":\"2026-12-06T10:00:00Z\",";
        assertThatThrownBy(() -> SubscriberDeliveries.decode((head + "\"fields\":[\"evil\"],\"rows\":[]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown field evil");
        String fields = "\"fields\":[\"subsetsExperimentId\"],";
        assertThatThrownBy(() -> SubscriberDeliveries.decode((head + fields + "\"rows\":[[null,null,\"accepted\",[\"x\"]]]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("userId or an email");
        assertThatThrownBy(() -> SubscriberDeliveries.decode((head + fields + "\"rows\":[[\"u\",null,\"lost\",[\"x\"]]]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown outcome");
        assertThatThrownBy(() -> SubscriberDeliveries.decode((head + fields + "\"rows\":[[\"u\",null,\"accepted\",[]]]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("0 values for 1 fields");
        assertThatThrownBy(() -> SubscriberDeliveries.decode((head + fields + "\"rows\":[{\"userId\":\"u\"}]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("an array");
    }
}
