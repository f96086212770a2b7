package com.subsets.sync.blueconic;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.dispatch.ErasureMode;
import com.subsets.sync.dispatch.LaneConfig;
import com.subsets.sync.dispatch.StaticDestinations;
import com.subsets.sync.runtime.ConfigException;
import io.vertx.core.json.JsonArray;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one tenant's BlueConic destination from configuration:
 * {@code {"instanceUrl":"https://acme.blueconic.net","clientId":"...","clientSecret":"...",
 * "matchingProperty":"email","strategy":"UPDATE","objectiveIds":["marketing"],"fields":{"subsetsExperimentId":{"mode":"add"}},
 * "erasure":"clear"}} (write modes: every field {@code set_or_clear} by default; {@code erasure}: {@code clear}, the
 * default, or {@code forget}: see {@link ErasureMode}). The budget is the instance
 * and OAuth application, whose concurrency limit is what 429 protects.
 */
final class BlueConicDestinationReader {

    private BlueConicDestinationReader() {
    }

    static StaticDestinations.EntryReader<BlueConicDestination> reader(InstanceUrlPolicy urls, double requestsPerSecond,
                                                                       int initialInFlight, int maxInFlight) {
        return (entry, where) -> {
            URI instance = urls.check(StaticDestinations.required(entry, "instanceUrl", where));
            String strategy = entry.getString("strategy", "UPDATE");
            if (!strategy.equals("UPDATE") && !strategy.equals("UPSERT")) {
                throw new ConfigException(where + "strategy must be UPDATE or UPSERT, was " + strategy);
            }
            List<String> objectives = new ArrayList<>();
            entry.getJsonArray("objectiveIds", new JsonArray()).forEach(o -> objectives.add(String.valueOf(o)));
            BlueConicDestination destination = new BlueConicDestination(instance,
                    StaticDestinations.required(entry, "clientId", where), StaticDestinations.required(entry, "clientSecret", where),
                    entry.getString("matchingProperty", "email"), strategy, objectives, StaticDestinations.fieldModes(entry, where),
                    ErasureMode.of(entry, where));
            // BlueConic limits concurrency per instance and application: tenants sharing both share the budget.
            return LaneConfig.adaptive("blueconic:" + instance.getHost() + ":" + instance.getPort() + "/" + destination.clientId(),
                    destination, requestsPerSecond, initialInFlight, maxInFlight);
        };
    }
}
