package com.subsets.sync.simulator.blueconic;

import com.subsets.sync.simulator.common.Faults;
import com.subsets.sync.simulator.common.RecordedCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One BlueConic tenant as the simulator keeps it: its OAuth application (client id and secret), the
 * access tokens it issued and when they expire, its profile properties, its profiles (values are
 * always lists of strings) and their consented objectives, the concurrent-request and bulk limits, injected
 * faults and the calls it received. Thread-safe: state is touched under the tenant's lock.
 */
public final class BlueConicTenant {

    final String name;
    final String clientId;
    final String clientSecret;
    private long tokenTtlSeconds = 3600;
    private final Map<String, Long> tokens = new HashMap<>();
    /** Which OAuth application each token was issued to. */
    private final Map<String, String> tokenClients = new HashMap<>();
    /** The instance's OAuth applications, client id to secret: several brands may share one instance. */
    private final Map<String, String> applications = new HashMap<>();
    private List<BulkWrite> bulkWrites;
    final Map<String, JsonObject> properties = new LinkedHashMap<>();
    final Map<String, Map<String, List<String>>> profiles = new LinkedHashMap<>();
    final Map<String, Set<String>> consent = new HashMap<>();
    /** Unique-identifier values to profiles, per property, as BlueConic indexes them: matching stays fast at scale. */
    private final Map<String, Map<String, String>> index = new HashMap<>();
    private volatile java.util.function.Consumer<Map<String, List<String>>> writeListener = profile -> { };
    private final List<RecordedCall> calls = new ArrayList<>();
    /** Property id to a value BlueConic refuses for it, with its message (a validation rule the tenant set up). */
    private final Map<String, Map<String, String>> refusedValues = new HashMap<>();
    /** Profiles that refuse every write, with the state BlueConic answers for them. */
    private final Map<String, String> refusals = new HashMap<>();
    /** Profiles deleted by DELETE entries, in order. */
    private final List<String> deleted = new ArrayList<>();
    private int maxConcurrentRequests = 4;
    private int maxEntriesPerRequest = BulkProfiles.MAX_ENTRIES;
    private long entriesApplied;
    /** Requests under way, per OAuth application: BlueConic limits concurrency per instance and application. */
    private final Map<String, AtomicInteger> concurrentRequests = new java.util.concurrent.ConcurrentHashMap<>();
    final Faults faults = new Faults();
    private final BlueConicSegments segments = new BlueConicSegments();

    BlueConicTenant(String name, String clientId, String clientSecret) {
        this.name = name;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        applications.put(clientId, clientSecret);
        // Every tenant knows email, indexed (a unique identifier), as BlueConic tenants do.
        property(new JsonObject().put("id", "email").put("name", "Email").put("indexed", true).put("filterType", "EMAIL"));
    }

    public BlueConicSegments segments() {
        return segments;
    }

    /** A profile's values, or null (segment pages serve them). */
    synchronized Map<String, List<String>> profile(String profileId) {
        Map<String, List<String>> profile = profiles.get(profileId);
        return profile == null ? null : Map.copyOf(profile);
    }

    public Faults faults() {
        return faults;
    }

    /** How long issued tokens live; tests shorten it to see tokens expire mid-run. */
    public synchronized BlueConicTenant tokenTtlSeconds(long seconds) {
        this.tokenTtlSeconds = seconds;
        return this;
    }

    /** Requests at once per OAuth application; one more is answered 429. */
    public synchronized BlueConicTenant maxConcurrentRequests(int limit) {
        this.maxConcurrentRequests = limit;
        return this;
    }

    synchronized int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    /** The requests under way with tokens of the application that {@code token} was issued to. */
    AtomicInteger concurrentRequests(String token) {
        String client;
        synchronized (this) {
            client = tokenClients.getOrDefault(token, clientId);
        }
        return concurrentRequests.computeIfAbsent(client, c -> new AtomicInteger());
    }

    /**
     * Lowers the bulk limit (BlueConic's is 1,000 entries) so that tests can see a 413 applied in part
     * without sending more than a real dispatcher ever would.
     */
    public synchronized BlueConicTenant maxEntriesPerRequest(int limit) {
        this.maxEntriesPerRequest = limit;
        return this;
    }

    synchronized int maxEntriesPerRequest() {
        return maxEntriesPerRequest;
    }

    /** Bulk entries applied so far (those past the limit of a 413 are not): an entry resent after it was applied shows here. */
    public synchronized long entriesApplied() {
        return entriesApplied;
    }

    synchronized void applied(int entries) {
        entriesApplied += entries;
    }

    /** Expires every token issued so far (as a restart of the vendor's auth would); they are still known as this tenant's. */
    public synchronized void expireTokens() {
        tokens.replaceAll((token, expires) -> 0L);
    }

    synchronized boolean issued(String token) {
        return tokens.containsKey(token);
    }

    /** One bulk request as it arrived: the application whose token it carried, and what its entries matched on. */
    public record BulkWrite(String clientId, List<String> matchingProperties, List<String> identifiers) {
    }

    synchronized void addApplication(String clientId, String clientSecret) {
        applications.put(clientId, clientSecret);
    }

    synchronized boolean secretMatches(String clientId, String secret) {
        return secret != null && secret.equals(applications.get(clientId));
    }

    /** From now on, every bulk request is kept for {@link #bulkWrites()} (tests only: it grows with every request). */
    public synchronized BlueConicTenant recordBulkWrites() {
        bulkWrites = new ArrayList<>();
        return this;
    }

    public synchronized List<BulkWrite> bulkWrites() {
        return bulkWrites == null ? List.of() : List.copyOf(bulkWrites);
    }

    synchronized void bulkWrite(String token, List<JsonObject> entries) {
        if (bulkWrites == null) {
            return;
        }
        List<String> matching = new ArrayList<>();
        List<String> identifiers = new ArrayList<>();
        for (JsonObject entry : entries) {
            for (Object group : entry.getJsonArray("matching", new io.vertx.core.json.JsonArray())) {
                for (Object criterion : (io.vertx.core.json.JsonArray) group) {
                    matching.add(((JsonObject) criterion).getString("id"));
                }
            }
            identifiers.add(entry.getString("identifier"));
        }
        bulkWrites.add(new BulkWrite(tokenClients.get(token), List.copyOf(matching), identifiers));
    }

    synchronized JsonObject issueToken(long nowMillis, String clientId) {
        String token = UUID.randomUUID().toString();
        tokens.put(token, nowMillis + tokenTtlSeconds * 1000);
        tokenClients.put(token, clientId);
        return new JsonObject().put("access_token", token).put("token_type", "Bearer").put("expires_in", tokenTtlSeconds);
    }

    synchronized boolean tokenValid(String token, long nowMillis) {
        Long expires = tokens.get(token);
        return expires != null && expires > nowMillis;
    }

    /** Creates or replaces a property definition (as PUT /profileProperties/{id} does). */
    public synchronized BlueConicTenant property(JsonObject definition) {
        properties.put(definition.getString("id"), definition.copy());
        return this;
    }

    public synchronized JsonObject propertyDefinition(String id) {
        JsonObject p = properties.get(id);
        return p == null ? null : p.copy();
    }

    /**
     * Makes a profile refuse every write with {@code state}: RESTRICTION_MISMATCH (the profile is restricted)
     * or UNAUTHORIZED (the application lacks the PII permission the profile needs), as BlueConic answers them.
     */
    public synchronized BlueConicTenant refuseWrites(String profileId, String state) {
        if (!state.equals("RESTRICTION_MISMATCH") && !state.equals("UNAUTHORIZED")) {
            throw new IllegalArgumentException("a profile refuses writes with RESTRICTION_MISMATCH or UNAUTHORIZED, not " + state);
        }
        refusals.put(profileId, state);
        return this;
    }

    /**
     * An entry that sets {@code propertyId} to {@code value} is SKIPPED with {@code message} as the property's
     * validation error, as BlueConic answers a value its property's rules refuse; the entry's other properties
     * are not written, and the other entries of the request are.
     */
    public synchronized BlueConicTenant refuseValue(String propertyId, String value, String message) {
        refusedValues.computeIfAbsent(propertyId, p -> new HashMap<>()).put(value, message);
        return this;
    }

    synchronized String refusedValue(String propertyId, String value) {
        if (refusedValues.isEmpty()) {
            return null;
        }
        Map<String, String> refused = refusedValues.get(propertyId);
        return refused == null ? null : refused.get(value);
    }

    synchronized String refusal(String profileId) {
        return refusals.get(profileId);
    }

    /** Adds a profile with these values; returns its id. */
    public synchronized String addProfile(Map<String, List<String>> values, String... consentedObjectives) {
        String id = UUID.randomUUID().toString();
        profiles.put(id, new LinkedHashMap<>());
        write(id, values);
        consent.put(id, new HashSet<>(List.of(consentedObjectives)));
        return id;
    }

    /** The id of the profile whose {@code propertyId} holds {@code value}, or null. */
    public synchronized String profileIdBy(String propertyId, String value) {
        return findProfile(propertyId, value);
    }

    /** The values of the profile whose {@code propertyId} holds {@code value}, or null. */
    public synchronized Map<String, List<String>> profileBy(String propertyId, String value) {
        String id = findProfile(propertyId, value);
        return id == null ? null : Map.copyOf(profiles.get(id));
    }

    synchronized String findProfile(String propertyId, String value) {
        JsonObject definition = properties.get(propertyId);
        if (definition != null && definition.getBoolean("indexed", false)) {
            return index.getOrDefault(propertyId, Map.of()).get(value);
        }
        for (Map.Entry<String, Map<String, List<String>>> p : profiles.entrySet()) {
            List<String> values = p.getValue().get(propertyId);
            if (values != null && values.contains(value)) {
                return p.getKey();
            }
        }
        return null;
    }

    /** Replaces some of a profile's values (an empty list removes one), keeping the index current. */
    synchronized void write(String profileId, Map<String, List<String>> values) {
        Map<String, List<String>> profile = profiles.get(profileId);
        values.forEach((propertyId, next) -> {
            JsonObject definition = properties.get(propertyId);
            if (definition != null && definition.getBoolean("indexed", false)) {
                Map<String, String> byValue = index.computeIfAbsent(propertyId, k -> new HashMap<>());
                profile.getOrDefault(propertyId, List.of()).forEach(old -> byValue.remove(old, profileId));
                next.forEach(v -> byValue.put(v, profileId));
            }
            if (next.isEmpty()) {
                profile.remove(propertyId);
            } else {
                profile.put(propertyId, List.copyOf(next));
            }
        });
        writeListener.accept(java.util.Collections.unmodifiableMap(profile));
    }

    /** A DELETE entry's work: the profile, its values, its index entries and its consent are gone. */
    synchronized void remove(String profileId) {
        Map<String, List<String>> profile = profiles.remove(profileId);
        if (profile != null) {
            index.values().forEach(byValue -> byValue.values().removeIf(profileId::equals));
            consent.remove(profileId);
            deleted.add(profileId);
        }
    }

    /** The ids of the profiles DELETE entries deleted, oldest first. */
    public synchronized List<String> deletedProfiles() {
        return List.copyOf(deleted);
    }

    public synchronized boolean hasProfile(String profileId) {
        return profiles.containsKey(profileId);
    }

    /** Called with a profile's values after each write to it, under the tenant's lock (benchmarks measure latency). */
    public BlueConicTenant onWrite(java.util.function.Consumer<Map<String, List<String>>> listener) {
        this.writeListener = listener;
        return this;
    }

    public synchronized int profileCount() {
        return profiles.size();
    }

    synchronized void record(RecordedCall call) {
        calls.add(call);
    }

    public synchronized List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    public synchronized JsonObject toJson() {
        JsonObject view = new JsonObject().put("name", name).put("profileCount", profiles.size());
        JsonObject props = new JsonObject();
        properties.forEach((id, def) -> props.put(id, def.copy()));
        JsonArray profileList = new JsonArray();
        profiles.forEach((id, values) -> profileList.add(new JsonObject().put("profileId", id)
                .put("properties", new JsonObject(new LinkedHashMap<>(values)))));
        JsonArray callLog = new JsonArray();
        calls.forEach(c -> callLog.add(c.toJson()));
        return view.put("properties", props).put("profiles", profileList).put("calls", callLog);
    }
}
