package com.subsets.sync.iterable;

import com.subsets.sync.dispatch.DestinationDirectory;
import com.subsets.sync.dispatch.LaneConfig;
import com.subsets.sync.runtime.ConfigException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tenants' Iterable destinations from configuration (a JSON file or an environment variable), until
 * the provisioner serves them. Shape, per tenant id:
 * {@code {"acme":{"projectId":"p1","apiKey":"...","region":"us","identifier":"userId","preferUserId":false}}};
 * {@code baseUrl} replaces {@code region} for a simulator. Lanes are per project: tenants sharing a
 * project share its 5 requests/s.
 */
final class StaticIterableDirectory implements DestinationDirectory<IterableDestination> {

    private final Map<String, LaneConfig<IterableDestination>> byTenant;

    StaticIterableDirectory(Map<String, LaneConfig<IterableDestination>> byTenant) {
        this.byTenant = Map.copyOf(byTenant);
    }

    static StaticIterableDirectory parse(String json, String variable, double requestsPerSecond, int maxInFlight) {
        JsonObject root;
        try {
            root = json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
        } catch (DecodeException e) {
            throw new ConfigException(variable + " is not valid JSON: " + e.getMessage());
        }
        Map<String, LaneConfig<IterableDestination>> tenants = new TreeMap<>();
        for (String tenant : root.fieldNames()) {
            if (!(root.getValue(tenant) instanceof JsonObject entry)) {
                throw new ConfigException(variable + ": tenant " + tenant + " must map to an object");
            }
            String where = variable + ": tenant " + tenant + ": ";
            String projectId = required(entry, "projectId", where);
            String apiKey = required(entry, "apiKey", where);
            URI baseUrl;
            try {
                baseUrl = entry.containsKey("baseUrl") ? URI.create(entry.getString("baseUrl"))
                        : IterableDestination.regionUrl(entry.getString("region", "us"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
            String identifier = entry.getString("identifier", "userId");
            if (!identifier.equals("userId") && !identifier.equals("email")) {
                throw new ConfigException(where + "identifier must be userId or email, was " + identifier);
            }
            IterableDestination destination = new IterableDestination(projectId, apiKey, baseUrl,
                    identifier.equals("email") ? IterableDestination.Identifier.EMAIL : IterableDestination.Identifier.USER_ID,
                    entry.getBoolean("preferUserId", false), requestsPerSecond, maxInFlight);
            tenants.put(tenant, new LaneConfig<>("iterable:" + projectId + "@" + baseUrl.getHost(), destination,
                    requestsPerSecond, maxInFlight));
        }
        return new StaticIterableDirectory(tenants);
    }

    private static String required(JsonObject entry, String field, String where) {
        String value = entry.getString(field);
        if (value == null || value.isBlank()) {
            throw new ConfigException(where + field + " is required");
        }
        return value;
    }

    @Override
    public Optional<LaneConfig<IterableDestination>> lookup(String tenantId) {
        return Optional.ofNullable(byTenant.get(tenantId));
    }

    int size() {
        return byTenant.size();
    }
}
