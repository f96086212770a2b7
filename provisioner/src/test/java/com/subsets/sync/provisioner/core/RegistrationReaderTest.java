package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.model.Violation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationReaderTest {

    private final RegistrationReader reader = new RegistrationReader(new InstanceUrlPolicy(List.of("*.blueconic.net"), List.of()));

    @Test
    void defaultsAreFilledInAndSecretsSplitOff() {
        Registration iterable = reader.read(DestinationKind.ITERABLE, new JsonObject().put("apiKey", "0123456789abcdef"));
        JsonObject allSetOrClear = new JsonObject();
        for (String name : List.of("subsetsExperimentId", "subsetsExperimentAddedAt", "subsetsExperimentName",
                "subsetsSubscriberChurnRisk", "subsetsExperimentAssignment")) {
            allSetOrClear.put(name, new JsonObject().put("mode", "set_or_clear"));
        }
        assertThat(iterable.settings()).isEqualTo(new JsonObject().put("region", "us").put("identifier", "userId")
                .put("preferUserId", false).put("fields", allSetOrClear));
        assertThat(iterable.secret()).isEqualTo(new JsonObject().put("apiKey", "0123456789abcdef"));

        Registration blueConic = reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                .put("clientId", "app").put("clientSecret", "s3cret").put("objectiveIds", new JsonArray().add("marketing")));
        assertThat(blueConic.settings()).isEqualTo(new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                .put("clientId", "app").put("matchingProperty", "email").put("strategy", "UPDATE")
                .put("objectiveIds", new JsonArray().add("marketing")).put("fields", allSetOrClear));
        assertThat(blueConic.settings().encode()).doesNotContain("s3cret");
    }

    @Test
    void fieldModesAreKeptForEveryFieldAndABadFieldOrModeIsNamedWithBoth() {
        Registration iterable = reader.read(DestinationKind.ITERABLE, new JsonObject().put("apiKey", "0123456789abcdef")
                .put("fields", new JsonObject().put("subsetsExperimentId", new JsonObject().put("mode", "add"))
                        .put("subsetsExperimentAddedAt", new JsonObject().put("mode", "set_if_empty"))));
        JsonObject fields = iterable.settings().getJsonObject("fields");
        assertThat(fields.getJsonObject("subsetsExperimentId").getString("mode")).isEqualTo("add");
        assertThat(fields.getJsonObject("subsetsExperimentAddedAt").getString("mode")).isEqualTo("set_if_empty");
        assertThat(fields.getJsonObject("subsetsExperimentName").getString("mode")).isEqualTo("set_or_clear");
        assertThat(FieldModeSettings.of(iterable.settings()).describe())
                .isEqualTo("subsetsExperimentId=add,subsetsExperimentAddedAt=set_if_empty");

        assertThatThrownBy(() -> reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                .put("clientId", "app").put("clientSecret", "s3cret").put("fields", new JsonObject()
                        .put("subsetsExperimentId", new JsonObject().put("mode", "sum"))
                        .put("subsetsColour", new JsonObject().put("mode", "add"))
                        .put("subsetsExperimentName", "set"))))
                .isInstanceOfSatisfying(InvalidRegistration.class, e -> {
                    assertThat(e.violations()).extracting(Violation::path).containsExactlyInAnyOrder(
                            "fields.subsetsExperimentId.mode", "fields.subsetsColour", "fields.subsetsExperimentName");
                    assertThat(e.violations()).filteredOn(v -> v.path().equals("fields.subsetsExperimentId.mode"))
                            .singleElement().satisfies(v -> assertThat(v.message()).contains("\"sum\"")
                                    .contains("set_or_clear, set, set_if_empty, add").contains("subsetsExperimentId"));
                    assertThat(e.violations()).filteredOn(v -> v.path().equals("fields.subsetsColour"))
                            .singleElement().satisfies(v -> assertThat(v.message()).contains("mode add"));
                });
    }

    @Test
    void everyProblemIsNamedAtOnceWithoutEchoingSecrets() {
        assertThatThrownBy(() -> reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://evil.example.com")
                .put("clientSecret", "with space").put("objectiveIds", new JsonArray().add("a").add("a")).put("extra", 1)))
                .isInstanceOfSatisfying(InvalidRegistration.class, e -> {
                    assertThat(e.violations()).extracting(Violation::path)
                            .containsExactlyInAnyOrder("extra", "instanceUrl", "clientId", "clientSecret", "objectiveIds[1]");
                    assertThat(e.getMessage()).doesNotContain("with space").contains("not an allowed BlueConic host");
                });
    }

    @Test
    void keysIdsAndSecretsArePrintableAsciiAndNeverEchoed() {
        for (String bad : List.of("key-with-\u0007-bell", "key-with-\u0000-nul", "key-\r\nX-Injected:1", "key-caf\u00e9-0123")) {
            assertThatThrownBy(() -> reader.read(DestinationKind.ITERABLE, new JsonObject().put("apiKey", bad)))
                    .isInstanceOfSatisfying(InvalidRegistration.class, e -> {
                        assertThat(e.violations()).extracting(Violation::path).containsExactly("apiKey");
                        assertThat(e.getMessage()).doesNotContain("key-");
                    });
            assertThatThrownBy(() -> reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                    .put("clientId", bad).put("clientSecret", bad)))
                    .isInstanceOfSatisfying(InvalidRegistration.class, e -> assertThat(e.violations()).extracting(Violation::path)
                            .containsExactlyInAnyOrder("clientId", "clientSecret"));
        }
        assertThat(reader.read(DestinationKind.ITERABLE, new JsonObject().put("apiKey", "!~printable-ascii~!")).secret()
                .getString("apiKey")).isEqualTo("!~printable-ascii~!");
    }

    @Test
    void segmentIdsNeverWalkThePathAndInstancesUsePort443() {
        for (String id : List.of(".", "..")) {
            assertThatThrownBy(() -> reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                    .put("clientId", "app").put("clientSecret", "s").put("followSegments", new JsonArray().add(id))))
                    .isInstanceOfSatisfying(InvalidRegistration.class, e -> assertThat(e.violations()).extracting(Violation::path)
                            .containsExactly("followSegments[0]"));
        }
        assertThat(reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")
                .put("clientId", "app").put("clientSecret", "s").put("followSegments", new JsonArray().add("...").add("a.b")))
                .settings().getJsonArray("followSegments")).containsExactly("...", "a.b");

        assertThatThrownBy(() -> reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net:8443")
                .put("clientId", "app").put("clientSecret", "s")))
                .isInstanceOfSatisfying(InvalidRegistration.class, e -> assertThat(e.getMessage()).contains("port 443"));
        assertThat(reader.read(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net:443")
                .put("clientId", "app").put("clientSecret", "s")).settings().getString("instanceUrl"))
                .isEqualTo("https://acme.blueconic.net:443");
    }
}
