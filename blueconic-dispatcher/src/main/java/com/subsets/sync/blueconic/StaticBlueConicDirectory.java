package com.subsets.sync.blueconic;

import com.subsets.sync.dispatch.DestinationDirectory;
import com.subsets.sync.dispatch.LaneConfig;
import com.subsets.sync.runtime.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tenants' BlueConic destinations from configuration, until the provisioner serves them. Shape, per
 * tenant id: {@code {"acme":{"instanceUrl":"https://acme.blueconic.net","clientId":"...","clientSecret":"...",
 * "matchingProperty":"email","strategy":"UPDATE","objectiveIds":["marketing"]}}}. A lane is a BlueConic
 * tenant (instance), whose concurrency limit is what 429 protects.
 */
final class StaticBlueConicDirectory implements DestinationDirectory<BlueConicDestination> {

    private final Map<String, LaneConfig<BlueConicDestination>> byTenant;

    private StaticBlueConicDirectory(Map<String, LaneConfig<BlueConicDestination>> byTenant) {
        this.byTenant = Map.copyOf(byTenant);
    }

    static StaticBlueConicDirectory parse(String json, String variable, InstanceUrlPolicy urls, double requestsPerSecond,
                                          int maxInFlight) {
        JsonObject root;
        try {
            root = json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
        } catch (DecodeException e) {
            throw new ConfigException(variable + " is not valid JSON: " + e.getMessage());
        }
        Map<String, LaneConfig<BlueConicDestination>> tenants = new TreeMap<>();
        for (String tenant : root.fieldNames()) {
            String where = variable + ": tenant " + tenant + ": ";
            if (!(root.getValue(tenant) instanceof JsonObject entry)) {
                throw new ConfigException(where + "must map to an object");
            }
            URI instance;
            try {
                instance = urls.check(required(entry, "instanceUrl", where));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
            String strategy = entry.getString("strategy", "UPDATE");
            if (!strategy.equals("UPDATE") && !strategy.equals("UPSERT")) {
                throw new ConfigException(where + "strategy must be UPDATE or UPSERT, was " + strategy);
            }
            List<String> objectives = new ArrayList<>();
            entry.getJsonArray("objectiveIds", new JsonArray()).forEach(o -> objectives.add(String.valueOf(o)));
            BlueConicDestination destination = new BlueConicDestination(instance, required(entry, "clientId", where),
                    required(entry, "clientSecret", where), entry.getString("matchingProperty", "email"), strategy, objectives);
            tenants.put(tenant, new LaneConfig<>("blueconic:" + instance.getHost() + ":" + instance.getPort(), destination,
                    requestsPerSecond, maxInFlight));
        }
        return new StaticBlueConicDirectory(tenants);
    }

    private static String required(JsonObject entry, String field, String where) {
        String value = entry.getString(field);
        if (value == null || value.isBlank()) {
            throw new ConfigException(where + field + " is required");
        }
        return value;
    }

    @Override
    public Optional<LaneConfig<BlueConicDestination>> lookup(String tenantId) {
        return Optional.ofNullable(byTenant.get(tenantId));
    }
}
