package com.subsets.sync.model;

/**
 * The five profile fields kept in every destination (../shared/docs/destinations.md). Every name
 * carries the {@code subsets} prefix so it never collides with a customer's own fields. All five are
 * strings at both vendors; BlueConic properties are created with precision 2 (churn risk "0.73").
 */
public enum DestinationField {
    EXPERIMENT_ID("subsetsExperimentId", "subsets_experiment_id", "subsetsExperimentId",
            "Unique identifier for the experiment (external experiment id)"),
    EXPERIMENT_ADDED_AT("subsetsExperimentAddedAt", "subsets_experiment_added_at", "subsetsExperimentAddedAt",
            "Timestamp when the user was added to the experiment (UTC)"),
    EXPERIMENT_NAME("subsetsExperimentName", "subsets_experiment_name", "subsetsExperimentName",
            "Name of the experiment"),
    CHURN_RISK("subsetsSubscriberChurnRisk", "subsets_subscriber_churn_risk", "subsetsSubscriberChurnRisk",
            "Probability the subscriber churns within 30 days"),
    EXPERIMENT_ASSIGNMENT("subsetsExperimentAssignment", "subsets_experiment_assignment", "subsetsExperimentAssignment",
            "Treatment or control group");

    /** The type of every field's values at both destinations. */
    public static final String TYPE = "String";

    private final String iterableName;
    private final String blueConicId;
    private final String blueConicName;
    private final String description;

    DestinationField(String iterableName, String blueConicId, String blueConicName, String description) {
        this.iterableName = iterableName;
        this.blueConicId = blueConicId;
        this.blueConicName = blueConicName;
        this.description = description;
    }

    private static final DestinationField[] ALL = values();

    /** The field named {@code iterableName} (the name the state records carry), or null when none is. */
    public static DestinationField byIterableName(String iterableName) {
        for (DestinationField field : ALL) {
            if (field.iterableName.equals(iterableName)) {
                return field;
            }
        }
        return null;
    }

    public String iterableName() {
        return iterableName;
    }

    public String blueConicId() {
        return blueConicId;
    }

    public String blueConicName() {
        return blueConicName;
    }

    public String description() {
        return description;
    }
}
