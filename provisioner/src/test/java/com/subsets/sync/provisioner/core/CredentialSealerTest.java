package com.subsets.sync.provisioner.core;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CredentialSealerTest {

    private static final SecretBox BOX = new SecretBox(Map.of("k1", new SecretKeySpec(new byte[32], "AES")), "k1", new SecureRandom());
    private static final CredentialSealer SEALER = new CredentialSealer(BOX,
            new InstanceUrlPolicy(List.of("*.blueconic.net"), List.of("127.0.0.1")));
    private static final JsonObject SECRET = new JsonObject().put("clientSecret", "very-secret-value");

    private static JsonObject blueConic(String instanceUrl, String clientId) {
        return new JsonObject().put("instanceUrl", instanceUrl).put("clientId", clientId).put("matchingProperty", "email");
    }

    @Test
    void theSettingsThatDecideWhereASecretGoesAreBoundToIt() {
        JsonObject settings = blueConic("https://acme.blueconic.net", "app");
        SecretBox.Sealed sealed = SEALER.seal("acme", DestinationKind.BLUECONIC, settings, SECRET);
        assertThat(SEALER.open("acme", DestinationKind.BLUECONIC, settings, sealed, CredentialSealer.CURRENT)).isEqualTo(SECRET);
        assertThat(SEALER.open("acme", DestinationKind.BLUECONIC, settings.copy().put("matchingProperty", "id"), sealed,
                CredentialSealer.CURRENT)).as("a setting that sends nothing anywhere is not bound").isEqualTo(SECRET);

        for (JsonObject moved : List.of(blueConic("https://evil.blueconic.net", "app"), blueConic("https://acme.blueconic.net", "other"))) {
            assertThatThrownBy(() -> SEALER.open("acme", DestinationKind.BLUECONIC, moved, sealed, CredentialSealer.CURRENT))
                    .isInstanceOf(SecretBox.SealException.class).hasMessageContaining("do not open").hasMessageNotContaining("very-secret");
        }
        assertThatThrownBy(() -> SEALER.open("other", DestinationKind.BLUECONIC, settings, sealed, CredentialSealer.CURRENT))
                .isInstanceOf(SecretBox.SealException.class);

        JsonObject us = new JsonObject().put("region", "us").put("identifier", "userId");
        SecretBox.Sealed key = SEALER.seal("acme", DestinationKind.ITERABLE, us, new JsonObject().put("apiKey", "k"));
        assertThatThrownBy(() -> SEALER.open("acme", DestinationKind.ITERABLE, us.copy().put("region", "eu"), key, CredentialSealer.CURRENT))
                .isInstanceOf(SecretBox.SealException.class);
    }

    @Test
    void legacyValuesStillOpenToBeResealed() {
        SecretBox.Sealed legacy = BOX.seal(SECRET.encode().getBytes(UTF_8), "acme/blueconic".getBytes(UTF_8));
        JsonObject settings = blueConic("https://acme.blueconic.net", "app");
        assertThat(SEALER.reopen("acme", DestinationKind.BLUECONIC, settings, legacy, CredentialSealer.LEGACY)).isEqualTo(SECRET);
        assertThatThrownBy(() -> SEALER.open("acme", DestinationKind.BLUECONIC, settings, legacy, CredentialSealer.CURRENT))
                .isInstanceOf(SecretBox.SealException.class);
    }

    @Test
    void theInstanceUrlPolicyIsAppliedEachTimeASecretIsOpenedForUse() {
        SecretBox.Sealed legacy = BOX.seal(SECRET.encode().getBytes(UTF_8), "acme/blueconic".getBytes(UTF_8));
        for (String url : List.of("https://evil.example.com", "http://acme.blueconic.net", "https://acme.blueconic.net:8443")) {
            assertThatThrownBy(() -> SEALER.open("acme", DestinationKind.BLUECONIC, blueConic(url, "app"), legacy, CredentialSealer.LEGACY))
                    .as(url).isInstanceOf(SecretBox.SealException.class).hasMessageStartingWith("credentials not used: instanceUrl");
        }
    }
}
