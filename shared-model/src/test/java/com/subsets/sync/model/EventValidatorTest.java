package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.ContractExamples.Example;
import java.math.BigDecimal;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventValidatorTest {

    private final EventValidator validator = new EventValidator();
    private final EventCodec codec = new EventCodec();

    static List<Example> examples() {
        return ContractExamples.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void reportsExactlyTheExpectedPaths(Example example) {
        Set<String> paths = new TreeSet<>();
        validator.validate(example.event()).forEach(v -> paths.add(v.path()));
        assertThat(paths).isEqualTo(example.expectedPaths());
    }

    @Test
    void theSharedExamplesCoverBothVerdictsAmply() {
        List<Example> all = examples();
        assertThat(all).hasSizeGreaterThanOrEqualTo(40);
        assertThat(all.stream().filter(Example::valid).count()).isGreaterThanOrEqualTo(10);
        assertThat(all.stream().filter(e -> !e.valid()).count()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void messagesSayWhatIsWrongInWordsAPersonCanActOn() {
        List<Violation> problems = validator.validate(codec.readTree(("""
                {"eventId":"e 1","type":"experiment.assigned","tenantId":"acme","occurredAt":"yesterday",
                 "subscriber":{"email":"nope"},"experiment":{"id":"x"},"assignment":"holdout",
                 "addedAt":"2026-11-22T09:59:00Z","churnRisk":1.5,"colour":"red"}""").getBytes()));
        assertThat(problems).extracting(Violation::toString).containsExactlyInAnyOrder(
                "colour: unknown property",
                "eventId: must be 1 to 128 characters of A-Z a-z 0-9 . _ : -",
                "occurredAt: must be an ISO-8601 instant with an offset, such as 2026-11-22T09:59:00Z",
                "subscriber.email: not an email address",
                "experiment.name: is required for experiment.assigned",
                "assignment: must be treatment or control",
                "churnRisk: must be a number from 0 to 1 (a finite double)");
    }

    /** Each of these once held an event loop for seconds, or built a string of hundreds of megabytes. */
    @ParameterizedTest
    @ValueSource(strings = {"1e-30000000", "1e-300000000", "2e600000000", "1e999999999", "-1e-999999999", "1e-400",
            "1.0000000001"})
    void numbersOutsideTheDoubleRangeOrAboveOneAreRefusedWithoutFormattingThem(String number) {
        DecodeResult result = codec.decode(scored(number).getBytes());

        assertThat(result.failure()).isEqualTo(DecodeResult.Failure.CONTRACT_VIOLATION);
        assertThat(result.describe()).contains("churnRisk: must be a number from 0 to 1 (a finite double)")
                .hasSizeLessThan(400);
    }

    /** What a platform's model emits, once refused for more than 20 decimal places; all now go through. */
    @ParameterizedTest
    @ValueSource(strings = {"5e-324", "1e-30", "3.2e-25", "1E-300", "0.5e0", "-0.0", "0.123456789012345678901"})
    void probabilitiesADoubleHoldsAreAccepted(String number) {
        DecodeResult result = codec.decode(scored(number).getBytes());

        assertThat(result.isValid()).as(result::describe).isTrue();
        assertThat(result.event().churnRisk()).isEqualByComparingTo(new BigDecimal(number));
    }

    /** Not JSON at all (RFC 8259 has no NaN or Infinity): refused before any contract rule. */
    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
    void nanAndInfinityAreMalformedJson(String number) {
        assertThat(codec.decode(scored(number).getBytes()).failure()).isEqualTo(DecodeResult.Failure.MALFORMED_JSON);
    }

    private static String scored(String number) {
        return """
                {"eventId":"e1","type":"churn_risk.scored","tenantId":"acme","occurredAt":"2026-11-22T09:59:00Z",
                 "subscriber":{"userId":"u"},"churnRisk":%s}""".formatted(number);
    }

    @Test
    void forbiddenFieldsNameTheEventType() {
        List<Violation> problems = validator.validate(codec.readTree(("""
                {"eventId":"e1","type":"churn_risk.scored","tenantId":"acme","occurredAt":"2026-11-22T09:59:00Z",
                 "subscriber":{"userId":"u"},"churnRisk":0.1,"assignment":"control"}""").getBytes()));
        assertThat(problems).containsExactly(new Violation("assignment", "is not allowed for churn_risk.scored"));
    }

    @Test
    void violationsInABatchCarryTheirIndex() {
        assertThat(new Violation("subscriber.email", "not an email address").atIndex(3).toString())
                .isEqualTo("[3].subscriber.email: not an email address");
        assertThat(new Violation("$", "must be a JSON object").atIndex(0).path()).isEqualTo("[0]");
    }
}
