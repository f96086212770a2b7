package com.subsets.sync.simulator.iterable;

import com.subsets.sync.simulator.iterable.IterableErrors.Rejection;
import com.subsets.sync.simulator.iterable.IterableProject.Identity;
import com.subsets.sync.simulator.iterable.IterableProject.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /api/users/bulkUpdate} against one project, as Iterable does it: the request's shape is
 * checked first (400 BadJsonBody naming the path), then each user is judged (invalid identifier,
 * unknown, forgotten, identity conflict, field type clash) and only the users that pass are written.
 * Failed users come back by identifier in {@code failedUpdates}, never by position.
 */
final class BulkUpdate {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final String[] FAILURE_LISTS = {"conflictEmails", "conflictUserIds", "forgottenEmails",
        "forgottenUserIds", "invalidDataEmails", "invalidDataUserIds", "invalidEmails", "invalidUserIds",
        "notFoundEmails", "notFoundUserIds"};

    private final IterableProject project;
    private final IterableProject.TypeMismatch mismatch;
    private final Map<String, JsonArray> failed = new LinkedHashMap<>();
    private final Set<String> createdFields = new LinkedHashSet<>();
    private final Set<String> filteredOutFields = new LinkedHashSet<>();
    private final JsonArray invalidEmails = new JsonArray();
    private final JsonArray invalidUserIds = new JsonArray();

    BulkUpdate(IterableProject project, IterableProject.TypeMismatch mismatch) {
        this.project = project;
        this.mismatch = mismatch;
        for (String list : FAILURE_LISTS) {
            failed.put(list, new JsonArray());
        }
    }

    /** Validates the request's shape; throws {@link Rejection} (400 BadJsonBody) naming the first bad path. */
    static JsonArray users(JsonObject body) {
        Object users = body.getValue("users");
        if (!(users instanceof JsonArray array)) {
            throw IterableErrors.badJson("users", users == null ? "is required" : "must be an array");
        }
        if (body.containsKey("createNewFields") && !(body.getValue("createNewFields") instanceof Boolean)) {
            throw IterableErrors.badJson("createNewFields", "must be a boolean");
        }
        for (int i = 0; i < array.size(); i++) {
            String at = "users[" + i + "]";
            if (!(array.getValue(i) instanceof JsonObject user)) {
                throw IterableErrors.badJson(at, "must be an object");
            }
            for (String text : List.of("email", "userId")) {
                if (user.containsKey(text) && !(user.getValue(text) instanceof String)) {
                    throw IterableErrors.badJson(at + "." + text, "must be a string");
                }
            }
            if (user.containsKey("dataFields") && !(user.getValue("dataFields") instanceof JsonObject)) {
                throw IterableErrors.badJson(at + ".dataFields", "must be an object");
            }
            for (String flag : List.of("preferUserId", "mergeNestedObjects")) {
                if (user.containsKey(flag) && !(user.getValue(flag) instanceof Boolean)) {
                    throw IterableErrors.badJson(at + "." + flag, "must be a boolean");
                }
            }
        }
        return array;
    }

    JsonObject apply(JsonObject body) {
        JsonArray users = users(body);
        project.bulkRequest(users);
        Boolean createNewFields = body.getBoolean("createNewFields");
        synchronized (project) {
            List<JsonObject> accepted = new ArrayList<>();
            Map<String, String> newFields = new LinkedHashMap<>();
            for (int i = 0; i < users.size(); i++) {
                JsonObject user = users.getJsonObject(i);
                if (identityAcceptable(user) && typesAcceptable(user, createNewFields, newFields)) {
                    accepted.add(user);
                }
            }
            if (project.fieldTypes.size() + newFields.size() > project.fieldLimit()) {
                throw new Rejection(400, "UniqueFieldsLimitExceeded", "Project would exceed its limit of "
                        + project.fieldLimit() + " unique fields", new JsonObject().put("newFields", new JsonArray(new ArrayList<>(newFields.keySet()))));
            }
            project.fieldTypes.putAll(newFields);
            createdFields.addAll(newFields.keySet());
            accepted.forEach(this::write);
            int failCount = users.size() - accepted.size();
            JsonObject failedUpdates = new JsonObject();
            failed.forEach(failedUpdates::put);
            return new JsonObject()
                    .put("successCount", accepted.size())
                    .put("failCount", failCount)
                    .put("createdFields", new JsonArray(new ArrayList<>(createdFields)))
                    .put("filteredOutFields", new JsonArray(new ArrayList<>(filteredOutFields)))
                    .put("invalidEmails", invalidEmails)
                    .put("invalidUserIds", invalidUserIds)
                    .put("failedUpdates", failedUpdates);
        }
    }

    private boolean identityAcceptable(JsonObject user) {
        String email = user.getString("email");
        String userId = user.getString("userId");
        if (email == null && userId == null) {
            fail("invalidUserIds", "");
            invalidUserIds.add("");
            return false;
        }
        if (email != null && !EMAIL.matcher(email).matches()) {
            fail("invalidEmails", email);
            invalidEmails.add(email);
            return false;
        }
        if (userId != null && userId.isBlank()) {
            fail("invalidUserIds", userId);
            invalidUserIds.add(userId);
            return false;
        }
        // Listed by the identifier that was forgotten.
        if (email != null && project.forgotten().isForgottenEmail(email)) {
            fail("forgottenEmails", email);
            return false;
        }
        if (userId != null && project.forgotten().isForgottenUserId(userId)) {
            fail("forgottenUserIds", userId);
            return false;
        }
        User existing = project.find(email, userId);
        if (existing != null && email != null && userId != null) {
            User other = project.identity == Identity.EMAIL ? project.find(null, userId) : project.find(email, null);
            if (other != null && other != existing) {
                fail(project.identity == Identity.EMAIL ? "conflictUserIds" : "conflictEmails",
                        project.identity == Identity.EMAIL ? userId : email);
                return false;
            }
        }
        if (existing == null && project.identity == Identity.EMAIL && email == null
                && !Boolean.TRUE.equals(user.getBoolean("preferUserId"))) {
            fail("notFoundUserIds", userId);
            return false;
        }
        if (existing == null && project.identity == Identity.USER_ID && userId == null) {
            fail("notFoundEmails", email);
            return false;
        }
        return true;
    }

    private boolean typesAcceptable(JsonObject user, Boolean createNewFields, Map<String, String> newFields) {
        JsonObject data = user.getJsonObject("dataFields", new JsonObject());
        for (String field : data.fieldNames()) {
            Object value = data.getValue(field);
            if (project.filtersOut(field)) {
                filteredOutFields.add(field);
                continue;
            }
            if (value == null) {
                continue;
            }
            String type = FieldTypes.of(value);
            String known = project.fieldTypes.getOrDefault(field, newFields.get(field));
            if (known != null && !known.equals(type)) {
                if (mismatch == IterableProject.TypeMismatch.REJECT_REQUEST) {
                    throw new Rejection(400, "RequestFieldsTypesMismatched", "Field type mismatch: " + field
                            + " is " + known + ", the request has " + type,
                            new JsonObject().put("field", field).put("existingType", known).put("requestType", type));
                }
                fail(user.containsKey("email") ? "invalidDataEmails" : "invalidDataUserIds",
                        user.containsKey("email") ? user.getString("email") : user.getString("userId"));
                return false;
            }
            if (known == null) {
                boolean create = createNewFields != null ? createNewFields : !project.dropsUnknownFields();
                if (create) {
                    newFields.put(field, type);
                } else {
                    filteredOutFields.add(field);
                }
            }
        }
        return true;
    }

    private void write(JsonObject request) {
        String email = request.getString("email");
        String userId = request.getString("userId");
        User user = project.find(email, userId);
        if (user == null) {
            String placeholder = email != null || project.identity == Identity.USER_ID ? email : userId + "@placeholder.email";
            user = project.create(placeholder, userId);
        } else {
            if (user.email == null && email != null) {
                user.email = email;
            }
            if (user.userId == null && userId != null) {
                user.userId = userId;
            }
        }
        project.written(project.identity == Identity.EMAIL ? user.email : user.userId);
        boolean merge = Boolean.TRUE.equals(request.getBoolean("mergeNestedObjects"));
        JsonObject data = request.getJsonObject("dataFields", new JsonObject());
        for (String field : data.fieldNames()) {
            Object value = data.getValue(field);
            if (filteredOutFields.contains(field)) {
                continue;
            } else if (value == null) {
                user.dataFields.remove(field);
            } else if (merge && value instanceof JsonObject incoming && user.dataFields.get(field) instanceof JsonObject current) {
                user.dataFields.put(field, current.copy().mergeIn(incoming));
            } else {
                user.dataFields.put(field, value);
            }
        }
    }

    private void fail(String list, String identifier) {
        failed.get(list).add(identifier);
    }
}
