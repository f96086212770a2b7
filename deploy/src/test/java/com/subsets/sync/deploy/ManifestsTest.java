package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every overlay renders ({@code kubectl kustomize}), every rendered object passes the Kubernetes (and
 * KEDA) schemas, and the objects keep the promises the deployment makes: probes on the health
 * endpoints, resources, graceful termination longer than a dispatcher's shutdown, no secret values,
 * and dispatchers never scaled beyond the input topic's partitions.
 */
class ManifestsTest {

    /** Partitions of subsets.assignment-events.v1 in production (deploy/README.md): more replicas would idle. */
    static final int TOPIC_PARTITIONS = 12;

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void overlayRendersValidObjectsThatKeepTheDeploymentsPromises(String overlay) throws Exception {
        Tools.Result rendered = Tools.run(Tools.deployDir(), null, "kubectl", "kustomize", "k8s/overlays/" + overlay);
        assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();

        assertThat(Files.isDirectory(Tools.deployDir().resolve("checks/node_modules/kubernetes-models")))
                .as("deploy/checks/node_modules is missing: run deploy/install-tools.sh").isTrue();
        Tools.Result validated = Tools.run(Tools.deployDir().resolve("checks"), rendered.stdout(), "node", "validate-k8s.mjs");
        assertThat(validated.exitCode()).as(validated.all()).isZero();
        assertThat(validated.stdout()).contains("objects valid");

        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(rendered.stdout())) {
            docs.forEachRemaining(objects::add);
        }
        assertThat(objects).extracting(o -> o.path("kind").asText()).doesNotContain("Secret");
        List<String> deployments = new ArrayList<>();
        for (JsonNode object : objects) {
            if (object.path("kind").asText().equals("Deployment")) {
                deployments.add(object.path("metadata").path("name").asText());
                checkDeployment(object);
            }
            if (object.path("kind").asText().equals("ScaledObject")) {
                assertThat(object.path("spec").path("maxReplicaCount").asInt()).isBetween(1, TOPIC_PARTITIONS);
            }
            if (object.path("kind").asText().equals("HorizontalPodAutoscaler")
                    && (object.path("metadata").path("name").asText().endsWith("-dispatcher")
                    || object.path("metadata").path("name").asText().equals("subscriber-state"))) {
                assertThat(object.path("spec").path("maxReplicas").asInt()).isBetween(1, TOPIC_PARTITIONS);
            }
        }
        assertThat(deployments).containsExactlyInAnyOrder("ingest-service", "iterable-dispatcher", "blueconic-dispatcher",
                "provisioner", "subscriber-state");
        long scalers = objects.stream().filter(o -> o.path("metadata").path("name").asText().endsWith("-dispatcher")
                && (o.path("kind").asText().equals("ScaledObject") || o.path("kind").asText().equals("HorizontalPodAutoscaler"))).count();
        assertThat(scalers).as("each dispatcher scales on its own").isEqualTo(2);
        assertThat(objects).filteredOn(o -> o.path("kind").asText().equals("PodDisruptionBudget")).hasSize(5);
        assertThat(objects).as("the state service scales with the partitions too").anyMatch(o -> o.path("metadata").path("name")
                .asText().equals("subscriber-state") && (o.path("kind").asText().equals("ScaledObject")
                || o.path("kind").asText().equals("HorizontalPodAutoscaler")));
    }

    private static void checkDeployment(JsonNode deployment) {
        String name = deployment.path("metadata").path("name").asText();
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/health/live");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/health/ready");
        assertThat(container.path("resources").path("requests").path("cpu").isMissingNode()).as(name).isFalse();
        assertThat(container.path("resources").path("limits").path("memory").isMissingNode()).as(name).isFalse();
        if (name.endsWith("-dispatcher") || name.equals("subscriber-state")) {
            // Longer than the dispatcher's 30 s shutdown: it finishes its batches and commits before the kill.
            assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as(name).isGreaterThan(30);
        }
        for (JsonNode env : container.path("env")) {
            String variable = env.path("name").asText().toUpperCase(Locale.ROOT);
            if (variable.contains("TOKEN") || variable.contains("PASSWORD") || variable.contains("KEYS") || variable.contains("SECRET")) {
                assertThat(env.has("value")).as("%s %s must come from a Secret", name, variable).isFalse();
                assertThat(env.path("valueFrom").has("secretKeyRef")).as("%s %s", name, variable).isTrue();
            }
        }
    }
}
