package com.subsets.sync.iterable;

import com.subsets.sync.client.iterable.IterableRegion;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.dispatch.LaneConfig;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.runtime.ConfigException;
import java.net.URI;

/**
 * Reads one tenant's Iterable destination from configuration:
 * {@code {"projectId":"p1","apiKey":"...","region":"us","identifier":"userId","preferUserId":false,
 * "fields":{"subsetsExperimentId":{"mode":"add"}},"erasure":"clear"}} (write modes: every field {@code set_or_clear} by
 * default; {@code erasure}: {@code clear}, the default, or {@code forget}: see {@link ErasureMode});
 * {@code baseUrl} replaces {@code region} for a simulator. The budget is the project: tenants writing to
 * one project share its 5 requests/s, each with its own lane and settings.
 */
final class IterableDestinationReader {

    private IterableDestinationReader() {
    }

    static StaticDestinations.EntryReader<IterableDestination> reader(double requestsPerSecond, int maxInFlight) {
        return (entry, where) -> {
            String projectId = StaticDestinations.required(entry, "projectId", where);
            String apiKey = StaticDestinations.required(entry, "apiKey", where);
            URI baseUrl = entry.containsKey("baseUrl") ? URI.create(entry.getString("baseUrl"))
                    : IterableRegion.of(entry.getString("region", "us")).baseUrl();
            String identifier = entry.getString("identifier", "userId");
            if (!identifier.equals("userId") && !identifier.equals("email")) {
                throw new ConfigException(where + "identifier must be userId or email, was " + identifier);
            }
            IterableDestination destination = new IterableDestination(projectId, apiKey, baseUrl,
                    identifier.equals("email") ? IterableDestination.Identifier.EMAIL : IterableDestination.Identifier.USER_ID,
                    entry.getBoolean("preferUserId", false), requestsPerSecond, maxInFlight,
                    StaticDestinations.fieldModes(entry, where), ErasureMode.of(entry, where));
            // Iterable limits the request rate, not concurrency: the in-flight limit is fixed.
            return LaneConfig.fixed("iterable:" + projectId + "@" + baseUrl.getHost(), destination, requestsPerSecond,
                    maxInFlight);
        };
    }
}
