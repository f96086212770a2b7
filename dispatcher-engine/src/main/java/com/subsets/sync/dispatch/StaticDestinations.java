package com.subsets.sync.dispatch;

import com.subsets.sync.model.FieldModes;
import com.subsets.sync.model.WriteMode;
import com.subsets.sync.runtime.ConfigException;
import com.subsets.sync.runtime.EnvReader;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Tenants' destinations from configuration, until the provisioner serves them: a JSON object of tenant
 * id to destination, from {@code <PREFIX>DESTINATIONS_FILE} (a path) or {@code <PREFIX>DESTINATIONS}
 * (inline). Each destination reads its own entry; every error names the variable and the tenant.
 */
public final class StaticDestinations<C> implements DestinationDirectory<C> {

    /** Reads one tenant's entry; {@code where} prefixes error messages ("X: tenant acme: "). */
    public interface EntryReader<C> extends BiFunction<JsonObject, String, LaneConfig<C>> {
    }

    private final Map<String, LaneConfig<C>> byTenant;
    private StaticDestinations(Map<String, LaneConfig<C>> byTenant) {
        this.byTenant = Map.copyOf(byTenant);
    }

    @Override
    public DeliveryControl control() {
        return DeliveryControl.NONE;
    }

    public static <C> StaticDestinations<C> fromEnv(EnvReader env, String prefix, EntryReader<C> reader) {
        String variable = prefix + "DESTINATIONS";
        String file = env.string(variable + "_FILE", null);
        String json;
        if (file == null) {
            json = env.string(variable, "{}");
        } else {
            try {
                json = Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new ConfigException(variable + "_FILE cannot be read: " + file);
            }
            variable = variable + "_FILE";
        }
        return parse(json, variable, reader);
    }

    public static <C> StaticDestinations<C> parse(String json, String variable, EntryReader<C> reader) {
        JsonObject root;
        try {
            root = json == null || json.isBlank() ? new JsonObject() : new JsonObject(json);
        } catch (DecodeException e) {
            // Never the parser's message: it quotes the text around the error, which holds credentials.
            throw new ConfigException(variable + " is not valid JSON" + location(e));
        }
        Map<String, LaneConfig<C>> tenants = new TreeMap<>();
        for (String tenant : root.fieldNames()) {
            String where = variable + ": tenant " + tenant + ": ";
            if (!(root.getValue(tenant) instanceof JsonObject entry)) {
                throw new ConfigException(where + "must map to an object");
            }
            try {
                tenants.put(tenant, reader.apply(entry, where));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(where + e.getMessage());
            }
        }
        return new StaticDestinations<>(tenants);
    }

    private static String location(DecodeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException json && json.getLocation() != null) {
                return " (line " + json.getLocation().getLineNr() + ", column " + json.getLocation().getColumnNr() + ")";
            }
        }
        return "";
    }

    /** A required, non-blank text field of an entry. */
    public static String required(JsonObject entry, String field, String where) {
        String value = entry.getString(field);
        if (value == null || value.isBlank()) {
            throw new ConfigException(where + field + " is required");
        }
        return value;
    }

    /**
     * The entry's write modes, {@code "fields": {"subsetsExperimentId": {"mode": "add"}, ...}} (issue 28); every field
     * {@code set_or_clear} without it. An unknown field or mode is refused naming both.
     */
    public static FieldModes fieldModes(JsonObject entry, String where) {
        Object fields = entry.getValue("fields");
        if (fields == null) {
            return FieldModes.DEFAULT;
        }
        if (!(fields instanceof JsonObject byName)) {
            throw new ConfigException(where + "fields must be an object of {\"mode\": ...} by field name");
        }
        Map<String, String> modes = new TreeMap<>();
        for (String name : byName.fieldNames()) {
            Object field = byName.getValue(name);
            Object mode = field instanceof JsonObject object ? object.getValue("mode") : null;
            if (!(mode instanceof String text)) {
                throw new ConfigException(where + "fields." + name + " must be {\"mode\": \"" + WriteMode.wireNames() + "\"}");
            }
            modes.put(name, text);
        }
        try {
            return FieldModes.parse(modes);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(where + e.getMessage());
        }
    }

    @Override
    public Optional<LaneConfig<C>> lookup(String tenantId) {
        return Optional.ofNullable(byTenant.get(tenantId));
    }

    public int size() {
        return byTenant.size();
    }
}
