package com.subsets.sync.simulator.iterable;

import com.subsets.sync.simulator.common.Faults;
import com.subsets.sync.simulator.common.RecordedCall;
import com.subsets.sync.simulator.common.SlidingWindowLimiter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One Iterable project as the simulator keeps it: its users, its fields' types (fixed by the first
 * value ever written), GDPR-forgotten users, per-endpoint rate limits, injected faults and the calls it
 * received. Thread-safe: every method that touches state is synchronized.
 */
public final class IterableProject {

    /** How the project identifies users (Iterable: email-based or userId-based projects). */
    public enum Identity { EMAIL, USER_ID }

    /** How a bulk update that would change a field's type is answered; the vendor's docs allow either reading. */
    public enum TypeMismatch {
        /** 200, the user listed in failedUpdates.invalidData*. */
        PER_USER,
        /** 400 RequestFieldsTypesMismatched naming the field; nothing in the request is applied. */
        REJECT_REQUEST
    }

    static final class User {
        String email;
        String userId;
        final Map<String, Object> dataFields = new LinkedHashMap<>();
    }

    final String id;
    final String apiKey;
    final Identity identity;
    private List<List<JsonObject>> bulkRequests;
    private TypeMismatch typeMismatch = TypeMismatch.PER_USER;
    private boolean dropUnknownFields;
    private int fieldLimit = 1000;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, User> bySecondaryId = new HashMap<>();
    final Map<String, String> fieldTypes = new TreeMap<>();
    private final ForgottenUsers forgotten = new ForgottenUsers();
    private final List<RecordedCall> calls = new ArrayList<>();
    final SlidingWindowLimiter bulkUpdateLimit;
    final SlidingWindowLimiter getFieldsLimit;
    final SlidingWindowLimiter updateLimit;
    final SlidingWindowLimiter getUserLimit;
    /** Fields every write drops (listed in filteredOutFields, never stored): a project that filters them out. */
    private final Set<String> filteredOut = new HashSet<>();
    final Faults faults = new Faults();
    private volatile java.util.function.Consumer<String> writeListener = id -> { };

    IterableProject(String id, String apiKey, Identity identity, int bulkUpdatePerSecond) {
        this.id = id;
        this.apiKey = apiKey;
        this.identity = identity;
        // Iterable's published limits: bulkUpdate 5/s, getFields 3/s, users/update 500/s, per project.
        this.bulkUpdateLimit = new SlidingWindowLimiter(bulkUpdatePerSecond, 1000);
        this.getFieldsLimit = new SlidingWindowLimiter(3, 1000);
        this.updateLimit = new SlidingWindowLimiter(500, 1000);
        // GET /api/users/byUserId/{userId} and /api/users/getByEmail: "Rate limit: 100 requests/second, per project".
        this.getUserLimit = new SlidingWindowLimiter(100, 1000);
    }

    /**
     * Makes every write drop {@code field} although it exists: it comes back in {@code filteredOutFields} and the
     * profile keeps what it had (a project whose settings filter the field out). Test deliveries see it disagree.
     */
    public synchronized IterableProject filterOutField(String field) {
        filteredOut.add(field);
        return this;
    }

    synchronized boolean filtersOut(String field) {
        return filteredOut.contains(field);
    }

    /**
     * {@code GET /api/users/byUserId/{userId}} or {@code /api/users/getByEmail}: {@code {"user": {email, userId?,
     * dataFields}}}, or {@code {}} when there is no such user (Iterable answers 200 either way). A user of a
     * userId-based project without an e-mail shows Iterable's placeholder address.
     */
    synchronized io.vertx.core.json.JsonObject userView(String email, String userId) {
        User u = find(email, userId);
        if (u == null && email != null && userId == null) {
            u = users.values().stream().filter(x -> email.equals(x.email)).findFirst().orElse(null);
        }
        if (u == null) {
            return new io.vertx.core.json.JsonObject();
        }
        io.vertx.core.json.JsonObject user = new io.vertx.core.json.JsonObject()
                .put("email", u.email != null ? u.email : u.userId + "@placeholder.email")
                .put("dataFields", new io.vertx.core.json.JsonObject(new LinkedHashMap<>(u.dataFields)));
        if (u.userId != null) {
            user.put("userId", u.userId);
        }
        return new io.vertx.core.json.JsonObject().put("user", user);
    }

    public String id() {
        return id;
    }

    public Faults faults() {
        return faults;
    }

    public synchronized IterableProject typeMismatch(TypeMismatch mode) {
        this.typeMismatch = mode;
        return this;
    }

    synchronized TypeMismatch typeMismatch() {
        return typeMismatch;
    }

    public synchronized IterableProject dropUnknownFields(boolean drop) {
        this.dropUnknownFields = drop;
        return this;
    }

    synchronized boolean dropsUnknownFields() {
        return dropUnknownFields;
    }

    public synchronized IterableProject fieldLimit(int limit) {
        this.fieldLimit = limit;
        return this;
    }

    synchronized int fieldLimit() {
        return fieldLimit;
    }

    /** Declares a field with a type, as if an earlier write had created it. */
    public synchronized IterableProject field(String name, String type) {
        fieldTypes.put(name, type);
        return this;
    }

    /** Called with each written user's identifier as the write happens (benchmarks time deliveries with it). */
    public IterableProject onWrite(java.util.function.Consumer<String> listener) {
        this.writeListener = listener;
        return this;
    }

    void written(String identifier) {
        writeListener.accept(identifier);
    }

    /**
     * Forgets a user as {@code POST /api/users/forget} does, without its limits: {@code identifier} is an e-mail in an
     * email-based project and a userId in a userID-based one. The user's data is deleted (if there was such a user),
     * and the identifier remembered: later writes for it fail as forgotten, reads answer as for an unknown user.
     */
    public synchronized void forget(String identifier) {
        if (identity == Identity.EMAIL) {
            forgotten.addEmail(identifier);
        } else {
            forgotten.addUserId(identifier);
        }
        User u = users.get(identifier);
        if (u == null) {
            u = bySecondaryId.get(identifier);
        }
        if (u != null) {
            delete(u.email, u.userId);
        }
    }

    /** The forgotten identifiers, the forget endpoint's limits ({@link ForgottenUsers#limits}) and its calls. */
    public ForgottenUsers forgotten() {
        return forgotten;
    }

    /** Whether a project user holds this identifier (e-mail or userId): a bulkUpdate for an unknown one creates them. */
    public synchronized boolean hasUser(String identifier) {
        return users.containsKey(identifier) || bySecondaryId.containsKey(identifier);
    }

    /** The user with this email or userId, or null. */
    synchronized User find(String email, String userId) {
        if (identity == Identity.EMAIL) {
            return email != null ? users.get(email) : bySecondaryId.get(userId);
        }
        return userId != null ? users.get(userId) : bySecondaryId.get(email);
    }

    synchronized User create(String email, String userId) {
        User u = new User();
        u.email = email;
        u.userId = userId;
        users.put(primary(u), u);
        String secondary = identity == Identity.EMAIL ? userId : email;
        if (secondary != null) {
            bySecondaryId.put(secondary, u);
        }
        return u;
    }

    synchronized boolean delete(String email, String userId) {
        User u = find(email, userId);
        if (u == null) {
            return false;
        }
        users.remove(primary(u));
        if (u.email != null) {
            bySecondaryId.remove(u.email);
        }
        if (u.userId != null) {
            bySecondaryId.remove(u.userId);
        }
        return true;
    }

    private String primary(User u) {
        return identity == Identity.EMAIL ? u.email : u.userId;
    }

    /** From now on, the users of every bulkUpdate are kept for {@link #bulkRequests()} (tests only: it grows with every request). */
    public synchronized IterableProject recordBulkRequests() {
        bulkRequests = new ArrayList<>();
        return this;
    }

    /** The users of each bulkUpdate received since {@link #recordBulkRequests()}, request by request. */
    public synchronized List<List<JsonObject>> bulkRequests() {
        return bulkRequests == null ? List.of() : List.copyOf(bulkRequests);
    }

    synchronized void bulkRequest(JsonArray users) {
        if (bulkRequests != null) {
            List<JsonObject> copy = new ArrayList<>(users.size());
            users.forEach(u -> copy.add(((JsonObject) u).copy()));
            bulkRequests.add(copy);
        }
    }

    synchronized void record(RecordedCall call) {
        calls.add(call);
    }

    /** A user's data fields by the project's identifier, or null if there is no such user. */
    public synchronized Map<String, Object> profile(String identifier) {
        User u = users.get(identifier);
        if (u == null) {
            u = bySecondaryId.get(identifier);
        }
        return u == null ? null : Map.copyOf(u.dataFields);
    }

    public synchronized int userCount() {
        return users.size();
    }

    public synchronized Map<String, String> fields() {
        return Map.copyOf(fieldTypes);
    }

    public synchronized List<RecordedCall> calls() {
        return List.copyOf(calls);
    }

    /** Everything, for {@code GET /_sim/iterable/projects/{id}}. */
    public synchronized JsonObject toJson(int maxUsers) {
        JsonArray profiles = new JsonArray();
        users.values().stream().limit(maxUsers).forEach(u -> profiles.add(new JsonObject()
                .put("email", u.email).put("userId", u.userId).put("dataFields", new JsonObject(new LinkedHashMap<>(u.dataFields)))));
        JsonArray callLog = new JsonArray();
        calls.forEach(c -> callLog.add(c.toJson()));
        return new JsonObject().put("id", id).put("identity", identity.name()).put("userCount", users.size())
                .put("fields", new JsonObject(new LinkedHashMap<>(fieldTypes))).put("users", profiles)
                .put("forgotten", new JsonArray(forgotten.identifiers())).put("forgetting", forgotten.toJson()).put("calls", callLog);
    }
}
