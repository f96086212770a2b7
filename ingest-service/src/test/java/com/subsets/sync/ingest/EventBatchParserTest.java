package com.subsets.sync.ingest;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.subsets.sync.model.AssignmentEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchParserTest {

    static final String VALID = """
            {"eventId":"e%d","type":"churn_risk.scored","tenantId":"acme","occurredAt":"2026-11-22T09:59:00Z",
             "subscriber":{"userId":"u-%d"},"churnRisk":0.4}""";

    private final EventBatchParser parser = new EventBatchParser(3);

    @Test
    void acceptsOneObjectOrAnArrayInOrder() {
        assertThat(parser.parse(VALID.formatted(1, 1).getBytes(UTF_8))).extracting(AssignmentEvent::eventId)
                .containsExactly("e1");
        String batch = "[" + VALID.formatted(1, 1) + "," + VALID.formatted(2, 2) + "," + VALID.formatted(3, 3) + "]";
        assertThat(parser.parse(batch.getBytes(UTF_8))).extracting(AssignmentEvent::eventId)
                .containsExactly("e1", "e2", "e3");
    }

    @Test
    void oneInvalidEventRefusesTheWholeBatchWithEveryProblemByIndex() {
        String batch = "[" + VALID.formatted(1, 1) + ",{\"eventId\":\"e2\"}," + VALID.formatted(3, 3).replace("0.4", "4") + "]";

        IngestException e = catchThrowableOfType(IngestException.class, () -> parser.parse(batch.getBytes(UTF_8)));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENTS);
        assertThat(e.getMessage()).isEqualTo("2 of 3 events break the contract; nothing was published");
        assertThat(e.violations()).extracting(v -> v.index() + ":" + v.violation().path())
                .containsExactlyInAnyOrder("1:type", "1:tenantId", "1:occurredAt", "1:subscriber", "2:churnRisk");
        assertThat(e.eventCount()).isEqualTo(3);
    }

    /** Doubles a platform's model emits once refused a whole batch (more than 20 decimal places). */
    @Test
    void acceptsEveryProbabilityADoubleHoldsAndRefusesAnExponentPastItByIndex() {
        String tiny = "[" + VALID.formatted(1, 1).replace("0.4", "5e-324") + "," + VALID.formatted(2, 2).replace("0.4", "1e-30")
                + "," + VALID.formatted(3, 3).replace("0.4", "3.2e-25") + "]";
        assertThat(parser.parse(tiny.getBytes(UTF_8))).extracting(e -> e.churnRisk().doubleValue())
                .containsExactly(5e-324, 1e-30, 3.2e-25);

        String past = "[" + VALID.formatted(1, 1) + "," + VALID.formatted(2, 2).replace("0.4", "1e-30000000") + "]";
        IngestException e = catchThrowableOfType(IngestException.class, () -> parser.parse(past.getBytes(UTF_8)));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_EVENTS);
        assertThat(e.violations()).extracting(v -> v.index() + ":" + v.violation())
                .containsExactly("1:churnRisk: must be a number from 0 to 1 (a finite double)");
    }

    @Test
    void refusesEmptyAndOversizedBatchesAndMalformedJson() {
        assertThatThrownBy(() -> parser.parse("[]".getBytes(UTF_8)))
                .extracting(t -> ((IngestException) t).code()).isEqualTo(ErrorCode.EMPTY_BATCH);
        String four = "[" + String.join(",", List.of(VALID, VALID, VALID, VALID)).formatted(1, 1, 2, 2, 3, 3, 4, 4) + "]";
        assertThatThrownBy(() -> parser.parse(four.getBytes(UTF_8)))
                .hasMessage("a request carries at most 3 events, this one has 4; split it");
        assertThatThrownBy(() -> parser.parse("[{\"a\":1},".getBytes(UTF_8)))
                .extracting(t -> ((IngestException) t).code()).isEqualTo(ErrorCode.MALFORMED_JSON);
    }
}
