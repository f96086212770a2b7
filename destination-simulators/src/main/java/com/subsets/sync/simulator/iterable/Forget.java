package com.subsets.sync.simulator.iterable;

import com.subsets.sync.simulator.iterable.IterableErrors.Rejection;
import com.subsets.sync.simulator.iterable.IterableProject.Identity;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * {@code POST /api/users/forget} and the forgotten lists, as Iterable's document describes them: the body is a
 * UserRequest naming the user by {@code email} or {@code userId}, "but not both"; "In email-based projects, you must
 * forget users by email. In userID-based projects, you must forget users by userId" (hybrid projects are not
 * simulated). The user's data is deleted and the identifier is remembered, so later writes for it are refused.
 * A user the project never had is forgotten all the same (it still blocks their future data): 200 either way.
 */
final class Forget {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private Forget() {
    }

    static JsonObject apply(IterableProject project, JsonObject body) {
        String email = text(body, "email");
        String userId = text(body, "userId");
        if (email != null && userId != null) {
            throw new Rejection(400, "BadParams", "Provide an email or a userId, not both", names(body));
        }
        if (email == null && userId == null) {
            throw new Rejection(400, "BadParams", "email or userId is required", null);
        }
        if (project.identity == Identity.EMAIL && email == null) {
            throw new Rejection(400, "BadParams", "This project identifies users by email: forget them by email, not userId", null);
        }
        if (project.identity == Identity.USER_ID && userId == null) {
            throw new Rejection(400, "BadParams", "This project identifies users by userId: forget them by userId, not email", null);
        }
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw new Rejection(400, "BadParams", "email is not a valid email address", null);
        }
        if (userId != null && userId.isBlank()) {
            throw new Rejection(400, "BadParams", "userId must not be blank", null);
        }
        project.forget(email != null ? email : userId);
        return IterableErrors.body("Success", "", null);
    }

    /** {@code GET /api/users/forgotten}: "only works for email-based and hybrid projects. For userID-based projects, it returns an error." */
    static JsonObject hashedEmails(IterableProject project) {
        if (project.identity != Identity.EMAIL) {
            throw new Rejection(400, "BadParams", "forgotten emails are listed for email-based projects only: use forgottenUserIds", null);
        }
        return new JsonObject().put("hashedEmails", project.forgotten().hashedEmails());
    }

    /** {@code GET /api/users/forgottenUserIds}: "only works for userID-based and hybrid projects". */
    static JsonObject hashedUserIds(IterableProject project) {
        if (project.identity != Identity.USER_ID) {
            throw new Rejection(400, "BadParams", "forgotten userIds are listed for userID-based projects only: use forgotten", null);
        }
        return new JsonObject().put("hashedUserIds", project.forgotten().hashedUserIds());
    }

    private static String text(JsonObject body, String name) {
        Object value = body.getValue(name);
        if (value != null && !(value instanceof String)) {
            throw IterableErrors.badJson(name, "must be a string");
        }
        return (String) value;
    }

    private static JsonObject names(JsonObject body) {
        return new JsonObject().put("email", body.getString("email")).put("userId", body.getString("userId"));
    }
}
