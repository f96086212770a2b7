package com.subsets.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each service's image as Jib built it at package time (the image-config-check execution, on
 * {@code scratch} because no registry is reachable here): the entrypoint starts the service's Main with
 * the container-sized heap, the service's port is exposed, and it runs as a non-root user.
 */
class ImagesTest {

    @ParameterizedTest
    @CsvSource({
        "ingest-service, com.subsets.sync.ingest.Main, 8080",
        "iterable-dispatcher, com.subsets.sync.iterable.Main, 8081",
        "blueconic-dispatcher, com.subsets.sync.blueconic.Main, 8082",
        "provisioner, com.subsets.sync.provisioner.Main, 8083",
        "subscriber-state, com.subsets.sync.state.Main, 8084"})
    void imageStartsTheServiceAsANonRootUserOnItsPort(String service, String mainClass, int port) throws IOException {
        Path tar = Tools.deployDir().resolve("../" + service + "/target/jib-config-check.tar").normalize();
        assertThat(tar).as("built by 'mvn package' of %s (jib image-config-check)", service).exists();
        Map<String, byte[]> files = entries(tar, "manifest.json", "config.json");
        JsonNode manifest = new ObjectMapper().readTree(files.get("manifest.json")).get(0);
        assertThat(manifest.path("RepoTags").get(0).asText()).startsWith("subsets-sync/" + service + ":");
        assertThat(manifest.path("Layers").size()).as("dependencies, resources and classes in layers").isGreaterThanOrEqualTo(3);

        JsonNode config = new ObjectMapper().readTree(files.get(manifest.path("Config").asText())).path("config");
        assertThat(config.path("Entrypoint").toString()).contains("\"java\"", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", mainClass);
        assertThat(config.path("ExposedPorts").has(port + "/tcp")).isTrue();
        assertThat(config.path("User").asText()).isEqualTo("10001");
        assertThat(config.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo(service);
    }

    /** The named entries of a tar archive (ustar: 512-byte headers, sizes in octal). */
    private static Map<String, byte[]> entries(Path tar, String... names) throws IOException {
        Map<String, byte[]> found = new HashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.US_ASCII).trim().replace("\0", "");
                long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                for (String wanted : names) {
                    if (name.equals(wanted)) {
                        found.put(name, content);
                    }
                }
            }
        }
        assertThat(found).as("entries of %s", tar).containsKeys(names);
        return found;
    }
}
