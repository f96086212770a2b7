package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.model.DestinationField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldPlansTest {

    @Test
    void blueConicPropertiesAreLeftAloneWhenAsNeededAndRepairedWithoutLosingTheTenantsSettings() {
        JsonObject desired = BlueConicPropertyPlan.desired(DestinationField.EXPERIMENT_NAME);
        assertThat(desired.getString("id")).isEqualTo("subsets_experiment_name");
        assertThat(desired.getString("name")).isEqualTo("subsetsExperimentName");
        assertThat(desired.getJsonArray("tags")).containsExactly("subsets");
        assertThat(BlueConicPropertyPlan.repair(DestinationField.EXPERIMENT_NAME, desired)).isNull();
        assertThat(BlueConicPropertyPlan.repair(DestinationField.EXPERIMENT_NAME,
                desired.copy().put("tags", new JsonArray().add("crm").add("subsets")).put("indexed", false))).isNull();

        JsonObject drifted = desired.copy().put("precision", 0).put("showInUI", false).put("permissionLevel", "ADMIN")
                .put("tags", new JsonArray().add("crm"));
        JsonObject repaired = BlueConicPropertyPlan.repair(DestinationField.EXPERIMENT_NAME, drifted);
        assertThat(repaired.getInteger("precision")).isEqualTo(2);
        assertThat(repaired.getBoolean("showInUI")).isTrue();
        assertThat(repaired.getString("permissionLevel")).isEqualTo("ADMIN");
        assertThat(repaired.getJsonArray("tags")).containsExactly("crm", "subsets");
        assertThat(drifted.getInteger("precision")).as("the input is not modified").isZero();
    }

    @Test
    void iterablePlansCreateOnlyWhatIsMissingAndRefuseWrongTypesAndFullProjects() {
        Map<String, String> project = new HashMap<>(Map.of("subsetsExperimentId", "string", "subsetsExperimentAddedAt", "date",
                "email", "string"));
        IterableFieldPlan plan = IterableFieldPlan.of(project);
        assertThat(plan.missing()).containsExactly(DestinationField.EXPERIMENT_NAME, DestinationField.CHURN_RISK,
                DestinationField.EXPERIMENT_ASSIGNMENT);
        assertThat(plan.probeDataFields().fieldNames()).containsExactlyInAnyOrder("subsetsExperimentName",
                "subsetsSubscriberChurnRisk", "subsetsExperimentAssignment");

        project.put("subsetsExperimentAddedAt", "string");
        assertThatThrownBy(() -> IterableFieldPlan.of(project)).isInstanceOf(ProvisioningFailure.class)
                .hasMessageContaining("subsetsExperimentAddedAt exists as string but its mode set_or_clear needs date")
                .matches(e -> !((ProvisioningFailure) e).retryable());

        Map<String, String> crowded = new HashMap<>();
        for (int i = 0; i < 995; i++) {
            crowded.put("f" + i, "string");
        }
        assertThat(IterableFieldPlan.of(crowded).missing()).hasSize(5);
        crowded.put("one-too-many", "long");
        assertThatThrownBy(() -> IterableFieldPlan.of(crowded)).hasMessage(
                "the Iterable project has 996 of its 1000 user fields; 5 more are needed");
    }

    @Test
    void anIterableAddFieldIsCreatedAsAnArrayAndAFieldTypedOtherwiseIsRefusedNamingItsTypeAndTheMode() {
        com.subsets.sync.model.FieldModes addIds = com.subsets.sync.model.FieldModes.parse(Map.of("subsetsExperimentId", "add",
                "subsetsExperimentName", "set"));
        IterableFieldPlan plan = IterableFieldPlan.of(Map.of(), addIds);
        assertThat(plan.probeDataFields().getValue("subsetsExperimentId")).isEqualTo(new JsonArray().add("subsets-provisioning-probe"));
        assertThat(plan.probeDataFields().getValue("subsetsExperimentName")).isEqualTo("subsets-provisioning-probe");
        assertThat(IterableFieldPlan.of(Map.of("subsetsExperimentId", "array"), addIds).present())
                .containsEntry(DestinationField.EXPERIMENT_ID, "array");

        assertThatThrownBy(() -> IterableFieldPlan.of(Map.of("subsetsExperimentId", "string"), addIds))
                .isInstanceOf(ProvisioningFailure.class)
                .hasMessageContaining("subsetsExperimentId exists as string but its mode add needs array")
                .hasMessageContaining("Iterable fixes a field's type at its first write")
                .matches(e -> !((ProvisioningFailure) e).retryable());
        assertThatThrownBy(() -> IterableFieldPlan.of(Map.of("subsetsExperimentId", "array"), com.subsets.sync.model.FieldModes.DEFAULT))
                .hasMessageContaining("subsetsExperimentId exists as array but its mode set_or_clear needs string");
    }
}
