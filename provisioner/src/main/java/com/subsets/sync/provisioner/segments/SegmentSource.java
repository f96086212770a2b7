package com.subsets.sync.provisioner.segments;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.store.DestinationStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** The tenant's READY BlueConic revision: what to follow, how to match, and the credentials. */
record SegmentSource(BlueConicCredentials credentials, String matchingProperty, List<String> ids, List<String> tags) {
    String identifierName() {
        return matchingProperty.equals("email") ? "email" : "userId";
    }

    /** Whether a segment not in the listing may still be followed: named by id, or possibly carrying a followed tag. */
    boolean mayFollow(String segmentId) {
        return ids.contains(segmentId) || !tags.isEmpty();
    }

    static SegmentSource of(CredentialSealer secrets, String tenantId, DestinationStore.ReadyRevision ready) {
        JsonObject settings = ready.settings();
        // Opened for use: the instance URL policy again, and the settings bound to the secret.
        JsonObject secret = secrets.open(tenantId, DestinationKind.BLUECONIC, settings, ready.sealed(), ready.binding());
        return new SegmentSource(new BlueConicCredentials(URI.create(settings.getString("instanceUrl")),
                settings.getString("clientId"), secret.getString("clientSecret")),
                settings.getString("matchingProperty", "email"),
                strings(settings.getJsonArray("followSegments")), strings(settings.getJsonArray("followSegmentTags")));
    }

    private static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }
}
