package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryReportTest {

    private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void versionTwoCarriesTheSketchAndTheLastUpdatedThroughTheWire() {
        UniqueSubscribers unique = UniqueSubscribers.empty().add(new Subscriber("u-1", null)).add(new Subscriber(null, "a@x.io"));
        DeliveryReport report = DeliveryReport.create("acme", "iterable", T, 2, 0, 0, T, null, unique.state(),
                List.of(new DeliveryReport.Updated(null, "a@x.io", T.plusSeconds(1)), new DeliveryReport.Updated("u-1", "b@x.io", T)));

        String json = new String(report.encode(), StandardCharsets.UTF_8);
        DeliveryReport read = DeliveryReport.decode(report.encode());

        assertThat(json).contains("\"version\":2");
        assertThat(UniqueSubscribers.of(read.uniqueSketch()).estimate()).isEqualTo(2);
        assertThat(read.lastUpdated()).containsExactly(new DeliveryReport.Updated(null, "a@x.io", T.plusSeconds(1)),
                new DeliveryReport.Updated("u-1", "b@x.io", T));
    }

    @Test
    void aVersionOneReportReadsWithoutSketchOrSubscribers() {
        String v1 = "{\"reportId\":\"00000000-0000-0000-0000-000000000001\",\"tenantId\":\"acme\",\"destination\":\"iterable\","
                + "\"windowEnd\":\"2026-11-22T10:00:00Z\",\"updated\":3,\"rejected\":1,\"deadLettered\":0,\"lastSuccessAt\":null}";

        DeliveryReport read = DeliveryReport.decode(v1.getBytes(StandardCharsets.UTF_8));

        assertThat(read.updated()).isEqualTo(3);
        assertThat(read.uniqueSketch()).isNull();
        assertThat(read.lastUpdated()).isEmpty();
    }

    @Test
    void aSketchOfAnotherSizeOrAnEntryWithoutIdentifierIsNotAReport() {
        String badSketch = "{\"reportId\":\"00000000-0000-0000-0000-000000000001\",\"tenantId\":\"acme\",\"destination\":\"iterable\","
                + "\"windowEnd\":\"2026-11-22T10:00:00Z\",\"uniqueSketch\":\"AAAA\"}";
        String noIdentifier = "{\"reportId\":\"00000000-0000-0000-0000-000000000001\",\"tenantId\":\"acme\",\"destination\":\"iterable\","
                + "\"windowEnd\":\"2026-11-22T10:00:00Z\",\"lastUpdated\":[{\"at\":\"2026-11-22T10:00:00Z\"}]}";

        assertThatThrownBy(() -> DeliveryReport.decode(badSketch.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4096 bytes");
        assertThatThrownBy(() -> DeliveryReport.decode(noIdentifier.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without userId or email");
    }

    @Test
    void tenSubscribersUpdatedFiveTimesAreTenAcrossReportsMerged() {
        UniqueSubscribers day = UniqueSubscribers.empty();
        for (int round = 0; round < 5; round++) {
            UniqueSubscribers report = UniqueSubscribers.empty();
            for (int i = 0; i < 10; i++) {
                report.add(new Subscriber("u-" + i, "u-" + i + "@example.com"));
            }
            day.add(UniqueSubscribers.of(report.state()));
        }

        assertThat(day.estimate()).isEqualTo(10);
        assertThat(UniqueSubscribers.empty().add(new Subscriber("same", null)).add(new Subscriber(null, "same")).estimate())
                .as("a userId and an e-mail with the same text are two subscribers").isEqualTo(2);
    }

    @Test
    void largeCountsStayWithinTheDocumentedError() {
        UniqueSubscribers sketch = UniqueSubscribers.empty();
        for (int i = 0; i < 200_000; i++) {
            sketch.add(new Subscriber("user-" + i, null));
        }
        // 4 standard errors: a failure here means the sketch or the hash is broken, not bad luck.
        assertThat((double) sketch.estimate()).isBetween(200_000 * (1 - 4 * UniqueSubscribers.RELATIVE_STANDARD_ERROR),
                200_000 * (1 + 4 * UniqueSubscribers.RELATIVE_STANDARD_ERROR));
        assertThat(sketch.state()).hasSize(UniqueSubscribers.STATE_BYTES);
    }

    @Test
    void theLastFiveAreDistinctSubscribersNewestFirst() {
        List<DeliveryReport.Updated> day = List.of(new DeliveryReport.Updated("u-1", null, T.plusSeconds(1)),
                new DeliveryReport.Updated("u-2", null, T.plusSeconds(2)), new DeliveryReport.Updated(null, "e@x.io", T.plusSeconds(3)));
        List<DeliveryReport.Updated> report = List.of(new DeliveryReport.Updated("u-1", "u1@x.io", T.plusSeconds(9)),
                new DeliveryReport.Updated("u-3", null, T.plusSeconds(4)), new DeliveryReport.Updated("u-4", null, T.plusSeconds(5)),
                new DeliveryReport.Updated("u-5", null, T.plusSeconds(6)));

        assertThat(DeliveryReport.newest(day, report)).extracting(u -> u.userId() != null ? u.userId() : u.email())
                .containsExactly("u-1", "u-5", "u-4", "u-3", "e@x.io");
        assertThat(DeliveryReport.newest(day, report).get(0).at()).isEqualTo(T.plusSeconds(9));
    }
}
