package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldMapperTest {

    private static final Instant AT = Instant.parse("2026-11-22T09:59:00.987Z");
    private static final Subscriber ADA = new Subscriber("u-1", null);

    @Test
    void assignedSetsTheFourExperimentFieldsAndChurnRiskWhenGiven() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.ASSIGNED, "acme", AT, ADA,
                new Experiment("exp-42", "Winback"), Assignment.TREATMENT, AT, new BigDecimal("0.735"));

        assertThat(FieldMapper.fieldsOf(event)).containsExactlyInAnyOrderEntriesOf(Map.of(
                DestinationField.EXPERIMENT_ID, FieldValue.set("exp-42"),
                DestinationField.EXPERIMENT_NAME, FieldValue.set("Winback"),
                DestinationField.EXPERIMENT_ADDED_AT, FieldValue.set("2026-11-22T09:59:00Z"),
                DestinationField.EXPERIMENT_ASSIGNMENT, FieldValue.set("treatment"),
                DestinationField.CHURN_RISK, FieldValue.set("0.74")));
    }

    @Test
    void assignedWithoutChurnRiskLeavesItAlone() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.ASSIGNED, "acme", AT, ADA,
                new Experiment("exp-42", "Winback"), Assignment.CONTROL, AT, null);

        assertThat(FieldMapper.fieldsOf(event)).doesNotContainKey(DestinationField.CHURN_RISK).hasSize(4);
    }

    @Test
    void unassignedClearsTheFourExperimentFieldsOnly() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.UNASSIGNED, "acme", AT, ADA,
                new Experiment("exp-42", null), null, null, null);

        Map<DestinationField, FieldValue> fields = FieldMapper.fieldsOf(event);
        assertThat(fields).hasSize(4).doesNotContainKey(DestinationField.CHURN_RISK);
        assertThat(fields.values()).allMatch(FieldValue::isClear);
    }

    @Test
    void scoredSetsOnlyChurnRisk() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", AT, ADA,
                null, null, null, BigDecimal.ONE);

        assertThat(FieldMapper.fieldsOf(event)).containsExactly(Map.entry(DestinationField.CHURN_RISK, FieldValue.set("1.00")));
    }

    @Test
    void erasedClearsAllFiveFields() {
        AssignmentEvent event = new AssignmentEvent("erase-1", EventType.ERASED, "acme", AT,
                new Subscriber("u-1", "ada@example.com"), null, null, null, null);

        Map<DestinationField, FieldValue> fields = FieldMapper.fieldsOf(event);
        assertThat(fields).containsOnlyKeys(DestinationField.values());
        assertThat(fields.values()).allMatch(FieldValue::isClear);
    }

    @Test
    void churnRiskHasTwoDecimalsRoundedHalfUp() {
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0.125"))).isEqualTo("0.13");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0.124999"))).isEqualTo("0.12");
        assertThat(FieldMapper.formatChurnRisk(BigDecimal.ZERO)).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("7.3E-1"))).isEqualTo("0.73");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0.995"))).isEqualTo("1.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0.005"))).isEqualTo("0.01");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0.00499999999999999999999"))).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("1"))).isEqualTo("1.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("1.000e0"))).isEqualTo("1.00");
    }

    /** Tiny probabilities are 0.00 at the vendors; the exponent is never expanded into its digits. */
    @Test
    void tinyChurnRisksAreWrittenAsZeroWithTwoDecimals() {
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("5e-324"))).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("3.2e-25"))).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("1e-30"))).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("9.99e-4"))).isEqualTo("0.00");
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("0E-999999999"))).isEqualTo("0.00");
        // Thirty million digits if it were divided out: answered from precision and scale.
        assertThat(FieldMapper.formatChurnRisk(new BigDecimal("1e-30000000"))).isEqualTo("0.00");
    }

    @Test
    void scoredWithTheSmallestDoubleSetsZero() {
        AssignmentEvent event = new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", AT, ADA,
                null, null, null, new BigDecimal("5e-324"));

        assertThat(FieldMapper.fieldsOf(event)).containsExactly(Map.entry(DestinationField.CHURN_RISK, FieldValue.set("0.00")));
    }

    @Test
    void theCatalogMatchesTheDestinationsDocument() {
        assertThat(DestinationField.values()).extracting(DestinationField::iterableName).containsExactly(
                "subsetsExperimentId", "subsetsExperimentAddedAt", "subsetsExperimentName",
                "subsetsSubscriberChurnRisk", "subsetsExperimentAssignment");
        assertThat(DestinationField.values()).extracting(DestinationField::blueConicId).containsExactly(
                "subsets_experiment_id", "subsets_experiment_added_at", "subsets_experiment_name",
                "subsets_subscriber_churn_risk", "subsets_experiment_assignment");
        assertThat(DestinationField.values()).allSatisfy(f -> assertThat(f.blueConicName()).startsWith("subsets"));
    }

    @Test
    void topicNamesAreVersionedAndKeysAreTenants() {
        assertThat(Topics.ASSIGNMENT_EVENTS).isEqualTo("subsets.assignment-events.v1");
        assertThat(Topics.deadLetter("iterable")).isEqualTo("subsets.assignment-events.v1.dlq.iterable");
        AssignmentEvent event = new AssignmentEvent("e1", EventType.CHURN_RISK_SCORED, "acme", AT, ADA,
                null, null, null, BigDecimal.ONE);
        assertThat(RecordContract.keyOf(event)).isEqualTo("acme");
    }
}
