package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;

/**
 * Seals a destination's webhook secret like its credentials: AES-GCM under the active key, the associated data
 * binding it to its tenant, kind and webhook URL, so a sealed secret copied to another row, or left under a URL
 * someone changed in the database, does not open (and signs nothing).
 */
public final class WebhookSecrets {

    private final SecretBox box;

    public WebhookSecrets(SecretBox box) {
        this.box = box;
    }

    public String activeKeyId() {
        return box.activeKeyId();
    }

    public SecretBox.Sealed seal(String tenantId, DestinationKind kind, String url, String secret) {
        return box.seal(secret.getBytes(StandardCharsets.UTF_8), associatedData(tenantId, kind, url));
    }

    /** The secret, or a {@link SecretBox.SealException} saying why not (never quoting it). */
    public String open(String tenantId, DestinationKind kind, String url, SecretBox.Sealed sealed) {
        return new String(box.open(sealed, associatedData(tenantId, kind, url)), StandardCharsets.UTF_8);
    }

    static byte[] associatedData(String tenantId, DestinationKind kind, String url) {
        return new JsonArray().add("subsets-sync/webhook-secret/1").add(tenantId).add(kind.wireName()).add(url).encode()
                .getBytes(StandardCharsets.UTF_8);
    }
}
