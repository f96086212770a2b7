package com.subsets.sync.blueconic;

import com.subsets.sync.client.blueconic.BlueConicCredentials;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.model.FieldModes;
import java.net.URI;
import java.util.List;

/**
 * One tenant's BlueConic destination: its instance, its OAuth application, how subscribers are found
 * and how profiles are written. {@link #toString()} never shows the secret.
 *
 * @param matchingProperty the unique-identifier property profiles are matched on ({@code email} by
 *     default, or the tenant's own id property, which then holds the subscriber's userId)
 * @param strategy {@code UPDATE} (default: never create profiles) or {@code UPSERT}
 * @param objectiveIds consent objectives: only profiles that consented to one of them are written
 * @param modes how each field is written (issue 28)
 * @param erasure what an erasure does: {@code clear} the five properties ({@code UPDATE}, never creating a profile,
 *     whatever {@code strategy} says), or {@code forget}: delete the profile (the {@code DELETE} strategy)
 */
public record BlueConicDestination(URI instanceUrl, String clientId, String clientSecret, String matchingProperty,
                                   String strategy, List<String> objectiveIds, FieldModes modes, ErasureMode erasure) {

    public BlueConicDestination {
        objectiveIds = List.copyOf(objectiveIds);
        erasure = erasure == null ? ErasureMode.CLEAR : erasure;
    }

    /** Erasures clear the five properties. */
    public BlueConicDestination(URI instanceUrl, String clientId, String clientSecret, String matchingProperty,
                                String strategy, List<String> objectiveIds, FieldModes modes) {
        this(instanceUrl, clientId, clientSecret, matchingProperty, strategy, objectiveIds, modes, ErasureMode.CLEAR);
    }

    /** Every field {@code set_or_clear}. */
    public BlueConicDestination(URI instanceUrl, String clientId, String clientSecret, String matchingProperty,
                                String strategy, List<String> objectiveIds) {
        this(instanceUrl, clientId, clientSecret, matchingProperty, strategy, objectiveIds, FieldModes.DEFAULT);
    }

    BlueConicCredentials credentials() {
        return new BlueConicCredentials(instanceUrl, clientId, clientSecret);
    }

    boolean matchesOnEmail() {
        return "email".equals(matchingProperty);
    }

    @Override
    public String toString() {
        return "BlueConicDestination[instance=" + instanceUrl + ", client=" + clientId + ", matching=" + matchingProperty
                + ", strategy=" + strategy + ", fields=" + modes.describe() + ", erasure=" + erasure.wire() + "]";
    }
}
