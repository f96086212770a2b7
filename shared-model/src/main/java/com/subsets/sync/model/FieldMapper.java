package com.subsets.sync.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * How each kind of event changes the five fields. experiment.assigned sets the four experiment fields
 * (and churn risk when it carries one); experiment.unassigned clears the four; churn_risk.scored sets
 * churn risk only; subscriber.erased clears all five. Fields an event does not name are absent from the result: left as they are.
 */
public final class FieldMapper {

    private FieldMapper() {
    }

    public static Map<DestinationField, FieldValue> fieldsOf(AssignmentEvent event) {
        Map<DestinationField, FieldValue> fields = new EnumMap<>(DestinationField.class);
        switch (event.type()) {
            case ASSIGNED -> {
                fields.put(DestinationField.EXPERIMENT_ID, FieldValue.set(event.experiment().id()));
                fields.put(DestinationField.EXPERIMENT_NAME, FieldValue.set(event.experiment().name()));
                fields.put(DestinationField.EXPERIMENT_ADDED_AT, FieldValue.set(formatInstant(event.addedAt())));
                fields.put(DestinationField.EXPERIMENT_ASSIGNMENT, FieldValue.set(event.assignment().wireName()));
                if (event.churnRisk() != null) {
                    fields.put(DestinationField.CHURN_RISK, FieldValue.set(formatChurnRisk(event.churnRisk())));
                }
            }
            case UNASSIGNED -> {
                fields.put(DestinationField.EXPERIMENT_ID, FieldValue.CLEAR);
                fields.put(DestinationField.EXPERIMENT_NAME, FieldValue.CLEAR);
                fields.put(DestinationField.EXPERIMENT_ADDED_AT, FieldValue.CLEAR);
                fields.put(DestinationField.EXPERIMENT_ASSIGNMENT, FieldValue.CLEAR);
            }
            case CHURN_RISK_SCORED ->
                    fields.put(DestinationField.CHURN_RISK, FieldValue.set(formatChurnRisk(event.churnRisk())));
            case ERASED -> {
                for (DestinationField field : DestinationField.values()) {
                    fields.put(field, FieldValue.CLEAR);
                }
            }
        }
        return Collections.unmodifiableMap(fields);
    }

    /** UTC, second precision: {@code 2026-11-22T09:59:00Z} (Iterable detects this form as a date). */
    public static String formatInstant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /**
     * Two decimals, half up on the decimal value, matching BlueConic's precision 2: 0.735 becomes "0.74",
     * 0.125 "0.13", 1 "1.00". Below 0.001 the answer is "0.00" whatever the digits, decided from precision
     * and scale: a tiny exponent ({@code 5e-324}) is never divided out digit by digit.
     */
    public static String formatChurnRisk(BigDecimal churnRisk) {
        if (churnRisk.signum() == 0 || ChurnRiskRule.leadingExponent(churnRisk) < -3) {
            return "0.00";
        }
        return churnRisk.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
