package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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

    static final Set<String> SERVICES = Set.of("ingest-service", "iterable-dispatcher", "blueconic-dispatcher", "provisioner",
            "subscriber-state");
    static final Set<String> DISPATCHERS = Set.of("iterable-dispatcher", "blueconic-dispatcher");

    static List<JsonNode> render(String overlay) throws Exception {
        Tools.Result rendered = Tools.run(Tools.deployDir(), null, "kubectl", "kustomize", "k8s/overlays/" + overlay);
        assertThat(rendered.exitCode()).as(rendered.stderr()).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = new YAMLMapper().readerFor(JsonNode.class).readValues(rendered.stdout())) {
            docs.forEachRemaining(objects::add);
        }
        return objects;
    }

    private static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
        return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
    }

    /** Container port numbers by name, of a Deployment's first container. */
    private static Map<String, Integer> ports(JsonNode deployment) {
        Map<String, Integer> ports = new HashMap<>();
        deployment.path("spec").path("template").path("spec").path("containers").get(0).path("ports")
                .forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return ports;
    }

    private static Map<String, JsonNode> env(JsonNode deployment) {
        Map<String, JsonNode> env = new HashMap<>();
        deployment.path("spec").path("template").path("spec").path("containers").get(0).path("env")
                .forEach(e -> env.put(e.path("name").asText(), e));
        return env;
    }

    /**
     * What the deployment does not leave open: pods without service-account tokens and under the runtime's seccomp
     * profile; health and metrics on a port apart from any API, the only port Prometheus is let in to; each
     * service's secrets in a Secret of its own, the sealing keys as a file; a plain-http provisioner only where
     * explicitly allowed (the local overlay).
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void podsAreLockedDownAndEachServiceHasItsOwnMetricsPortAndSecret(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode template = deployment.path("spec").path("template");
            JsonNode pod = template.path("spec");
            JsonNode container = pod.path("containers").get(0);
            assertThat(pod.path("automountServiceAccountToken").isBoolean() && !pod.path("automountServiceAccountToken").asBoolean())
                    .as("%s automountServiceAccountToken: false", name).isTrue();
            assertThat(pod.path("securityContext").path("seccompProfile").path("type").asText()).as(name).isEqualTo("RuntimeDefault");

            Map<String, Integer> ports = ports(deployment);
            assertThat(ports).as(name).containsKey("metrics");
            int metrics = ports.get("metrics");
            for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                assertThat(container.path(probe).path("httpGet").path("port").asText()).as("%s %s", name, probe).isEqualTo("metrics");
            }
            assertThat(template.path("metadata").path("annotations").path("prometheus.io/port").asText()).as(name)
                    .isEqualTo(String.valueOf(metrics));
            // prometheus/prometheus.yml keeps only pods with this label and this annotation.
            assertThat(template.path("metadata").path("labels").path("app.kubernetes.io/part-of").asText()).as("%s pod label", name)
                    .isEqualTo("subsets-sync");
            assertThat(template.path("metadata").path("annotations").path("prometheus.io/scrape").asText()).as(name).isEqualTo("true");
            Map<String, JsonNode> env = env(deployment);
            if (name.equals("ingest-service") || name.equals("provisioner")) {
                String prefix = name.equals("ingest-service") ? "INGEST_" : "PROVISIONER_";
                assertThat(ports).as("%s serves an API apart from its metrics", name).containsKey("http");
                assertThat(ports.get("http")).isNotEqualTo(metrics);
                assertThat(env.get(prefix + "HTTP_PORT").path("value").asInt()).as(name).isEqualTo(ports.get("http"));
                assertThat(env.get(prefix + "METRICS_PORT").path("value").asInt()).as(name).isEqualTo(metrics);
            } else {
                assertThat(ports).as("%s has no API: one port, its operations port", name).containsOnlyKeys("metrics");
            }
            if (name.equals("subscriber-state")) {
                // A warm copy of each partition's state elsewhere (scale events do not restore from the changelog), and
                // RocksDB bounded well inside what the pod leaves beside its 75 % heap.
                assertThat(env.get("STATE_STANDBY_REPLICAS").path("value").asInt()).as("standby replicas").isEqualTo(1);
                long rocksDb = env.get("STATE_ROCKSDB_MEMORY_BYTES").path("value").asLong();
                long limit = mebibytes(container.path("resources").path("limits").path("memory").asText());
                assertThat(rocksDb).as("RocksDB's bound").isPositive().isLessThanOrEqualTo(limit / 4 / 2);
            }

            for (JsonNode variable : env.values()) {
                JsonNode secret = variable.path("valueFrom").path("secretKeyRef");
                if (!secret.isMissingNode()) {
                    assertThat(secret.path("name").asText()).as("%s %s: the service's own Secret", name, variable.path("name").asText())
                            .isEqualTo(name + "-secrets");
                }
            }
            for (JsonNode volume : pod.path("volumes")) {
                if (volume.has("secret")) {
                    assertThat(volume.path("secret").path("secretName").asText()).as(name).isEqualTo(name + "-secrets");
                }
            }
        }

        JsonNode provisioner = ofKind(objects, "Deployment").stream()
                .filter(d -> d.path("metadata").path("name").asText().equals("provisioner")).findFirst().orElseThrow();
        Map<String, JsonNode> env = env(provisioner);
        assertThat(env).as("the sealing keys are not in the environment").doesNotContainKey("PROVISIONER_ENCRYPTION_KEYS");
        String keysFile = env.get("PROVISIONER_ENCRYPTION_KEYS_FILE").path("value").asText();
        JsonNode pod = provisioner.path("spec").path("template").path("spec");
        String volume = null;
        for (JsonNode mount : pod.path("containers").get(0).path("volumeMounts")) {
            if (keysFile.startsWith(mount.path("mountPath").asText() + "/")) {
                volume = mount.path("name").asText();
                assertThat(mount.path("readOnly").asBoolean()).isTrue();
            }
        }
        assertThat(volume).as("a volume is mounted where PROVISIONER_ENCRYPTION_KEYS_FILE is").isNotNull();
        boolean fromSecret = false;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(volume)) {
                fromSecret = v.path("secret").path("secretName").asText().equals("provisioner-secrets");
            }
        }
        assertThat(fromSecret).as("the keys file comes from the provisioner's Secret").isTrue();

        JsonNode config = ofKind(objects, "ConfigMap").get(0).path("data");
        for (String prefix : List.of("ITERABLE_", "BLUECONIC_")) {
            boolean plaintext = config.path(prefix + "PROVISIONER_URL").asText().startsWith("http://");
            boolean allowed = config.path(prefix + "PROVISIONER_ALLOW_PLAINTEXT").asText().equals("true");
            if (overlay.equals("local")) {
                assertThat(!plaintext || allowed).as("%s: the local cluster allows its plain-http provisioner", prefix).isTrue();
            } else {
                assertThat(allowed).as("%sPROVISIONER_ALLOW_PLAINTEXT in production: a choice the operator makes", prefix).isFalse();
            }
        }
    }

    /**
     * Default deny both ways for every pod; in: the provisioner's API from the dispatchers only, each metrics port
     * from Prometheus only, ingest's API from callers; out: what each service needs, and the dispatchers to the
     * provisioner's API.
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void networkPoliciesDenyByDefaultAndLetInOnlyWhatIsNeeded(String overlay) throws Exception {
        List<JsonNode> objects = render(overlay);
        List<JsonNode> policies = ofKind(objects, "NetworkPolicy");
        assertThat(policies).as("a default deny of every pod, both ways").anyMatch(p ->
                p.path("spec").path("podSelector").isEmpty()
                        && p.path("spec").path("policyTypes").toString().contains("Ingress")
                        && p.path("spec").path("policyTypes").toString().contains("Egress")
                        && p.path("spec").path("ingress").isMissingNode() && p.path("spec").path("egress").isMissingNode());

        Map<String, Map<String, Integer>> ports = new HashMap<>();
        for (JsonNode deployment : ofKind(objects, "Deployment")) {
            ports.put(deployment.path("metadata").path("name").asText(), ports(deployment));
        }
        for (String service : SERVICES) {
            int metrics = ports.get(service).get("metrics");
            List<JsonNode> toMetrics = ingressRules(policies, service, metrics);
            assertThat(toMetrics).as("%s: Prometheus may scrape port %d", service, metrics).isNotEmpty();
            for (JsonNode rule : toMetrics) {
                assertThat(rule.path("from")).as("%s metrics: from Prometheus only", service).isNotEmpty();
                rule.path("from").forEach(peer -> assertThat(peer.path("podSelector").path("matchLabels")
                        .path("app.kubernetes.io/name").asText()).as(service).isEqualTo("prometheus"));
            }
        }
        int api = ports.get("provisioner").get("http");
        List<JsonNode> toApi = ingressRules(policies, "provisioner", api);
        assertThat(toApi).as("the provisioner's API is reachable").isNotEmpty();
        Set<String> callers = new HashSet<>();
        for (JsonNode rule : toApi) {
            assertThat(rule.path("from")).isNotEmpty();
            rule.path("from").forEach(peer -> {
                assertThat(peer.has("namespaceSelector") || peer.has("ipBlock")).as("only this namespace's pods").isFalse();
                callers.add(peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText());
            });
        }
        assertThat(callers).as("who may call the provisioner's API").isEqualTo(DISPATCHERS);
        for (String dispatcher : DISPATCHERS) {
            assertThat(egressTo(policies, dispatcher, "provisioner", api)).as("%s reaches the provisioner's API", dispatcher).isTrue();
        }
        assertThat(ingressRules(policies, "ingest-service", ports.get("ingest-service").get("http")))
                .as("ingest's API takes callers").isNotEmpty();
        for (String service : List.of("iterable-dispatcher", "blueconic-dispatcher", "subscriber-state")) {
            for (JsonNode policy : selecting(policies, service)) {
                for (JsonNode rule : policy.path("spec").path("ingress")) {
                    rule.path("ports").forEach(p -> assertThat(p.path("port").asInt()).as("%s lets in only metrics", service)
                            .isEqualTo(ports.get(service).get("metrics")));
                }
            }
        }
    }

    /** Policies whose pod selector picks the pods of {@code service}. */
    private static List<JsonNode> selecting(List<JsonNode> policies, String service) {
        return policies.stream().filter(p -> {
            JsonNode selector = p.path("spec").path("podSelector");
            return !selector.isEmpty() && selector.path("matchLabels").path("app.kubernetes.io/name").asText().equals(service);
        }).toList();
    }

    /** Ingress rules letting something in to {@code port} of {@code service}'s pods. */
    private static List<JsonNode> ingressRules(List<JsonNode> policies, String service, int port) {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode policy : selecting(policies, service)) {
            for (JsonNode rule : policy.path("spec").path("ingress")) {
                assertThat(rule.path("ports")).as("%s: every ingress rule names its ports", service).isNotEmpty();
                rule.path("ports").forEach(p -> {
                    if (p.path("port").asInt() == port) {
                        rules.add(rule);
                    }
                });
            }
        }
        return rules;
    }

    private static boolean egressTo(List<JsonNode> policies, String from, String to, int port) {
        for (JsonNode policy : selecting(policies, from)) {
            for (JsonNode rule : policy.path("spec").path("egress")) {
                boolean toPods = false;
                for (JsonNode peer : rule.path("to")) {
                    toPods |= peer.path("podSelector").path("matchLabels").path("app.kubernetes.io/name").asText().equals(to);
                }
                for (JsonNode p : rule.path("ports")) {
                    if (toPods && p.path("port").asInt() == port) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

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

    /**
     * Production ships every topic of the catalog as a Strimzi KafkaTopic (schema-checked above), with the catalog's
     * partitions, cleanup policy and retention, and none the catalog does not declare.
     */
    @org.junit.jupiter.api.Test
    void productionShipsEveryCatalogTopicAsAStrimziKafkaTopic() throws Exception {
        List<JsonNode> topics = ofKind(render("production"), "KafkaTopic");
        Map<String, JsonNode> byName = new HashMap<>();
        topics.forEach(t -> byName.put(t.path("spec").path("topicName").asText(), t));
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(com.subsets.sync.model.TopicCatalog.all().stream()
                .map(com.subsets.sync.model.TopicCatalog.Topic::name).toList());
        for (com.subsets.sync.model.TopicCatalog.Topic topic : com.subsets.sync.model.TopicCatalog.all()) {
            JsonNode spec = byName.get(topic.name()).path("spec");
            assertThat(spec.path("partitions").asInt()).as(topic.name()).isEqualTo(topic.partitions());
            assertThat(byName.get(topic.name()).path("metadata").path("labels").path("strimzi.io/cluster").asText()).isNotEmpty();
            Map<String, String> config = new HashMap<>();
            spec.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            assertThat(config).as(topic.name()).containsAllEntriesOf(topic.configs());
            if (topic.retention().isEmpty()) {
                assertThat(config).as(topic.name()).doesNotContainKey("retention.ms");
            }
        }
        assertThat(ofKind(render("local"), "KafkaTopic")).as("a local cluster has no Strimzi").isEmpty();
    }

    /** A Kubernetes quantity in Mi or Gi, in bytes. */
    private static long mebibytes(String quantity) {
        return quantity.endsWith("Gi") ? Long.parseLong(quantity.replace("Gi", "")) << 30 : Long.parseLong(quantity.replace("Mi", "")) << 20;
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
            boolean path = variable.endsWith("_FILE"); // where a Secret is mounted, not a secret
            if (!path && (variable.contains("TOKEN") || variable.contains("PASSWORD") || variable.contains("KEYS") || variable.contains("SECRET"))) {
                assertThat(env.has("value")).as("%s %s must come from a Secret", name, variable).isFalse();
                assertThat(env.path("valueFrom").has("secretKeyRef")).as("%s %s", name, variable).isTrue();
            }
        }
    }
}
