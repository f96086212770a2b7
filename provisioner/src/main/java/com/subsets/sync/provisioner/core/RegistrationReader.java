package com.subsets.sync.provisioner.core;

import com.subsets.sync.client.blueconic.InstanceUrlPolicy;
import com.subsets.sync.model.FieldModes;
import com.subsets.sync.provisioner.notifications.NotificationSettings;
import com.subsets.sync.provisioner.notifications.NotificationSettingsReader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates the body of {@code PUT /v1/tenants/{tenantId}/destinations/{kind}} and splits it into
 * settings and secret. Every problem is reported at once with its path; secrets never appear in an
 * error. Defaults are filled in, so what is stored (and returned) is the whole configuration.
 */
public final class RegistrationReader {

    /** Keys, ids and secrets are printable ASCII: a control character would end up in a header or a log line. */
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{1,500}");
    private static final Pattern API_KEY = Pattern.compile("[\\x21-\\x7E]{8,500}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern PROPERTY_ID = Pattern.compile("[A-Za-z0-9_]{1,100}");
    /** A path segment of BlueConic's API: never {@code .} or {@code ..}, which would walk the path. */
    private static final Pattern SEGMENT_ID = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._-]{1,200}");
    private static final Pattern TAG = Pattern.compile("[^\\p{Cntrl}]{1,100}");
    private static final Pattern ANY_URL = Pattern.compile("\\S{1,500}");

    private final InstanceUrlPolicy instanceUrls;
    private final NotificationSettingsReader notifications;

    /** No SMTP relay and https webhooks only. */
    public RegistrationReader(InstanceUrlPolicy instanceUrls) {
        this(instanceUrls, new NotificationSettingsReader(false, false));
    }

    public RegistrationReader(InstanceUrlPolicy instanceUrls, NotificationSettingsReader notifications) {
        this.instanceUrls = instanceUrls;
        this.notifications = notifications;
    }

    public Registration read(DestinationKind kind, JsonObject body) {
        return switch (kind) {
            case ITERABLE -> iterable(body);
            case BLUECONIC -> blueConic(body);
        };
    }

    private Registration iterable(JsonObject body) {
        BodyRules rules = new BodyRules(body, Set.of("apiKey", "region", "identifier", "preferUserId", "projectId", "backfill",
                "notifications", FieldModeSettings.KEY));
        String apiKey = rules.text("apiKey", null, API_KEY, "8 to 500 printable ASCII characters without spaces", true);
        String region = rules.oneOf("region", "us", Set.of("us", "eu"));
        String identifier = rules.oneOf("identifier", "userId", Set.of("userId", "email"));
        boolean preferUserId = rules.bool("preferUserId", false);
        boolean backfill = rules.bool("backfill", true);
        String projectId = body.containsKey("projectId")
                ? rules.text("projectId", null, NAME, "must be 1 to 100 letters, digits, '.', '_' or '-'", false) : null;
        NotificationSettings notified = notifications.read(body.getValue("notifications"), rules::violation);
        FieldModes modes = FieldModeSettings.read(body.getValue(FieldModeSettings.KEY), rules);
        rules.check();
        JsonObject settings = new JsonObject().put("region", region).put("identifier", identifier).put("preferUserId", preferUserId)
                .put(FieldModeSettings.KEY, FieldModeSettings.toWire(modes));
        if (projectId != null) {
            settings.put("projectId", projectId);
        }
        return new Registration(DestinationKind.ITERABLE, settings, new JsonObject().put("apiKey", apiKey), backfill, notified);
    }

    private Registration blueConic(JsonObject body) {
        BodyRules rules = new BodyRules(body, Set.of("instanceUrl", "clientId", "clientSecret", "matchingProperty", "strategy",
                "objectiveIds", "backfill", "followSegments", "followSegmentTags", "notifications", FieldModeSettings.KEY));
        String url = rules.text("instanceUrl", null, ANY_URL, "must be an https URL", false);
        String instanceUrl = null;
        if (url != null) {
            try {
                instanceUrl = instanceUrls.check(url).toString();
            } catch (IllegalArgumentException e) {
                rules.violation("instanceUrl", e.getMessage());
            }
        }
        String clientId = rules.text("clientId", null, SECRET, "must be 1 to 500 printable ASCII characters without spaces", false);
        String clientSecret = rules.text("clientSecret", null, SECRET, "1 to 500 printable ASCII characters without spaces", true);
        String matching = rules.text("matchingProperty", "email", PROPERTY_ID, "must be a property id: letters, digits and '_'", false);
        String strategy = rules.oneOf("strategy", "UPDATE", Set.of("UPDATE", "UPSERT"));
        boolean backfill = rules.bool("backfill", true);
        List<String> objectives = rules.texts("objectiveIds", NAME, "must be an objective id: 1 to 100 letters, digits, '.', '_' or '-'", 50);
        List<String> followSegments = rules.texts("followSegments", SEGMENT_ID, "must be a segment id: 1 to 200 letters, digits, '.', '_' or '-', not . or ..", 100);
        List<String> followTags = rules.texts("followSegmentTags", TAG, "must be a tag: 1 to 100 characters without control characters", 20);
        NotificationSettings notified = notifications.read(body.getValue("notifications"), rules::violation);
        FieldModes modes = FieldModeSettings.read(body.getValue(FieldModeSettings.KEY), rules);
        rules.check();
        JsonObject settings = new JsonObject().put("instanceUrl", instanceUrl).put("clientId", clientId)
                .put("matchingProperty", matching).put("strategy", strategy).put("objectiveIds", new JsonArray(objectives))
                .put(FieldModeSettings.KEY, FieldModeSettings.toWire(modes));
        if (!followSegments.isEmpty() || !followTags.isEmpty()) {
            settings.put("followSegments", new JsonArray(followSegments)).put("followSegmentTags", new JsonArray(followTags));
        }
        return new Registration(DestinationKind.BLUECONIC, settings, new JsonObject().put("clientSecret", clientSecret), backfill,
                notified);
    }
}
