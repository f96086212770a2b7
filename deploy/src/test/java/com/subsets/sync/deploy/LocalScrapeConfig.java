package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shipped {@code prometheus/prometheus.yml} pointed at the local stack: its Kubernetes pod discovery replaced by
 * static targets carrying the meta labels that discovery would give each pod of the rendered local overlay (namespace,
 * pod name, the pod template's labels and annotations), the {@code prometheus.io/port} annotation being the port the
 * local stack gave the service. Its relabeling (which pods are kept, address, path, the namespace/pod/app labels) is
 * kept as shipped and does the rest, so a pod the shipped rules would not keep is not scraped here either.
 * Intervals of one second; alerts to the given Alertmanager.
 */
final class LocalScrapeConfig {

    private LocalScrapeConfig() {
    }

    /**
     * @param deployments the Deployments of the rendered local overlay
     * @param ports       each service's operations port in the local stack, by Deployment name
     */
    static String derive(Path shipped, List<JsonNode> deployments, Map<String, Integer> ports, String host, Path rules,
                         String alertmanager) throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        ObjectNode config = (ObjectNode) yaml.readTree(shipped.toFile());
        ObjectNode global = config.withObjectProperty("global");
        global.put("scrape_interval", "1s").put("scrape_timeout", "1s").put("evaluation_interval", "1s");
        config.putArray("rule_files").add(rules.toString());
        config.putObject("alerting").putArray("alertmanagers").addObject().putArray("static_configs").addObject()
                .putArray("targets").add(alertmanager);

        Set<String> named = new TreeSet<>();
        deployments.forEach(d -> named.add(d.path("metadata").path("name").asText()));
        assertThat(named).as("the local overlay's Deployments are the local stack's services").isEqualTo(ports.keySet());

        for (JsonNode job : config.path("scrape_configs")) {
            ObjectNode scrape = (ObjectNode) job;
            JsonNode discovery = scrape.remove("kubernetes_sd_configs");
            assertThat(discovery).as("job %s discovers pods", scrape.path("job_name").asText()).isNotNull();
            assertThat(discovery.size()).isEqualTo(1);
            assertThat(discovery.get(0).path("role").asText()).isEqualTo("pod");
            ArrayNode targets = scrape.putArray("static_configs");
            for (JsonNode deployment : deployments) {
                targets.add(podTarget(deployment, ports.get(deployment.path("metadata").path("name").asText()), host));
            }
        }
        return yaml.writeValueAsString(config);
    }

    /** What Kubernetes discovery (role pod) says of one pod of this Deployment, its address being the local host. */
    private static ObjectNode podTarget(JsonNode deployment, int localPort, String host) {
        ObjectNode target = new YAMLMapper().createObjectNode();
        target.putArray("targets").add(host);
        ObjectNode labels = target.putObject("labels");
        JsonNode pod = deployment.path("spec").path("template").path("metadata");
        labels.put("__meta_kubernetes_namespace", deployment.path("metadata").path("namespace").asText("default"));
        labels.put("__meta_kubernetes_pod_name", deployment.path("metadata").path("name").asText() + "-local-0");
        pod.path("labels").fields().forEachRemaining(l -> {
            labels.put("__meta_kubernetes_pod_label_" + sanitize(l.getKey()), l.getValue().asText());
            labels.put("__meta_kubernetes_pod_labelpresent_" + sanitize(l.getKey()), "true");
        });
        pod.path("annotations").fields().forEachRemaining(a -> {
            String value = a.getKey().equals("prometheus.io/port") ? String.valueOf(localPort) : a.getValue().asText();
            labels.put("__meta_kubernetes_pod_annotation_" + sanitize(a.getKey()), value);
            labels.put("__meta_kubernetes_pod_annotationpresent_" + sanitize(a.getKey()), "true");
        });
        return target;
    }

    /** As Prometheus makes a label name of a Kubernetes label or annotation name. */
    static String sanitize(String name) {
        return name.replaceAll("[^a-zA-Z0-9_]", "_");
    }
}
