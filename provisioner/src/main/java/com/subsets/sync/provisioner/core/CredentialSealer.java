package com.subsets.sync.provisioner.core;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Seals and opens a destination's secret with the settings that decide where it goes bound into the AES-GCM
 * associated data: tenant and kind, and BlueConic's {@code instanceUrl} and {@code clientId} or Iterable's
 * {@code region}. A row whose settings were changed by anything but a registration (a database writer pointing
 * the instance at another host) no longer opens, so its secret is sent nowhere.
 *
 * <p>{@code binding} says how a stored value's associated data was formed: {@link #LEGACY} (tenant and kind only,
 * rows sealed before the settings were bound) still opens, and is resealed at {@link #CURRENT}.
 */
public final class CredentialSealer {

    /** Tenant and kind only. */
    public static final int LEGACY = 1;
    /** Tenant, kind and the settings that decide where the secret goes. */
    public static final int CURRENT = 2;

    private final SecretBox box;
    private final InstanceUrlPolicy instanceUrls;

    /** {@code instanceUrls}: where BlueConic secrets may go, checked again each time one is opened for use. */
    public CredentialSealer(SecretBox box, InstanceUrlPolicy instanceUrls) {
        this.box = box;
        this.instanceUrls = instanceUrls;
    }

    public String activeKeyId() {
        return box.activeKeyId();
    }

    /** The secret sealed under the active key at {@link #CURRENT}. */
    public SecretBox.Sealed seal(String tenantId, DestinationKind kind, JsonObject settings, JsonObject secret) {
        return box.seal(secret.encode().getBytes(StandardCharsets.UTF_8), associatedData(CURRENT, tenantId, kind, settings));
    }

    /**
     * The secret, about to be used: only if the settings still pass the policy (a BlueConic instance URL on an allowed
     * host, https) and it was sealed for exactly this row and these settings; otherwise a {@link SecretBox.SealException}
     * saying why, never quoting the secret.
     */
    public JsonObject open(String tenantId, DestinationKind kind, JsonObject settings, SecretBox.Sealed sealed, int binding) {
        if (kind == DestinationKind.BLUECONIC) {
            try {
                instanceUrls.check(String.valueOf(settings.getValue("instanceUrl")));
            } catch (IllegalArgumentException e) {
                throw new SecretBox.SealException("credentials not used: " + e.getMessage());
            }
        }
        return reopen(tenantId, kind, settings, sealed, binding);
    }

    /** The secret, to be sealed again (resealing sends it nowhere, so the instance URL policy is not applied). */
    public JsonObject reopen(String tenantId, DestinationKind kind, JsonObject settings, SecretBox.Sealed sealed, int binding) {
        byte[] plain = box.open(sealed, associatedData(binding, tenantId, kind, settings));
        try {
            return new JsonObject(Buffer.buffer(plain));
        } catch (RuntimeException e) {
            // Never the parser's message: it may quote the plaintext.
            throw new SecretBox.SealException("credentials open but are not a JSON object");
        }
    }

    static byte[] associatedData(int binding, String tenantId, DestinationKind kind, JsonObject settings) {
        return switch (binding) {
            case LEGACY -> (tenantId + "/" + kind.wireName()).getBytes(StandardCharsets.UTF_8);
            // A JSON array: no separator in a value can make two different rows read alike.
            case CURRENT -> {
                JsonArray bound = new JsonArray().add("subsets-sync/secret/2").add(tenantId).add(kind.wireName());
                switch (kind) {
                    case BLUECONIC -> bound.add(settings.getValue("instanceUrl")).add(settings.getValue("clientId"));
                    case ITERABLE -> bound.add(settings.getValue("region"));
                }
                yield bound.encode().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw new SecretBox.SealException("credentials are sealed with an unknown binding " + binding);
        };
    }
}
