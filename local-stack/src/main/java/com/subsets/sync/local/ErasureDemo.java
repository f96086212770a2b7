package com.subsets.sync.local;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.Subscriber;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A demo subscriber asks to be forgotten: a {@code subscriber.erased} event naming them by e-mail goes through the
 * ingest API; the demo waits until {@code GET /v1/tenants/demo/erasures/{id}} says every destination is done (Iterable
 * is set to {@code forget}: cleared, then forgotten; BlueConic to {@code clear}), and then sends an event about them that
 * is older than the erasure, which must change nothing anywhere.
 */
final class ErasureDemo {

    /** The statuses that end an erasure at a destination. */
    static final Set<String> DONE = Set.of("cleared", "deleted", "not_found", "no_identifier", "forgotten", "failed");

    /** What the erasure came to. */
    record Outcome(String erasureId, int subscriber, JsonObject status, Map<String, Object> iterableProfile,
                   Map<String, List<String>> blueConicProfile, String segmentLookup, boolean historyNamesThem) {

        /** Every destination done, neither vendor holding a Subsets field, the segment membership gone, no history naming them. */
        boolean complete() {
            JsonArray destinations = status == null ? new JsonArray() : status.getJsonArray("destinations", new JsonArray());
            return destinations.size() == 2
                    && destinations.stream().allMatch(d -> DONE.contains(((JsonObject) d).getString("status"))
                    && !"failed".equals(((JsonObject) d).getString("status")))
                    && (iterableProfile == null || noSubsetsField(iterableProfile.keySet()))
                    && (blueConicProfile == null || noSubsetsField(blueConicProfile.keySet()))
                    && segmentLookup != null && !segmentLookup.contains(Demo.SEGMENT) && !historyNamesThem;
        }
    }

    private final Demo demo;
    private final Progress progress;
    private final StackHttp api;

    ErasureDemo(LocalStack stack, Demo demo, Progress progress) {
        this.demo = demo;
        this.progress = progress;
        this.api = new StackHttp(stack.config);
    }

    /** The first subscriber of the followed segment that both vendors hold. */
    private int chosen(int subscribers) {
        return IntStream.rangeClosed(1, subscribers).filter(i -> demo.inSegment(i) && !demo.forgotten(i)).findFirst().orElseThrow();
    }

    Outcome eraseOne(int subscribers, Duration timeout) throws Exception {
        int i = chosen(subscribers);
        String erasureId = "demo-erasure-" + i;
        progress.step("subscriber " + Demo.email(i) + " asks to be forgotten: POST /v1/events {\"type\":\"subscriber.erased\"} by e-mail");
        api.ingest(List.of(new AssignmentEvent(erasureId, EventType.ERASED, Demo.TENANT, Instant.now(),
                new Subscriber(null, Demo.email(i)), null, null, null, null)), 1);
        String path = "/v1/tenants/" + Demo.TENANT + "/erasures/" + erasureId;
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonObject status = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = api.lookup(path);
            status = answer.statusCode() == 200 ? new JsonObject(answer.body()) : null;
            progress.update("GET " + path + " -> " + answer.statusCode() + (status == null ? "" : " " + statuses(status)));
            if (status != null && status.getJsonArray("destinations").size() == 2 && status.getJsonArray("destinations").stream()
                    .allMatch(d -> DONE.contains(((JsonObject) d).getString("status")))) {
                break;
            }
            Thread.sleep(250);
        }
        progress.endLine();
        progress.step("erasure " + erasureId + ": " + (status == null ? "no status" : statuses(status)));

        // An event about them older than the erasure, arriving late: the state service drops it.
        api.ingest(List.of(new AssignmentEvent(erasureId + "-late", EventType.ASSIGNED, Demo.TENANT, Instant.parse("2026-11-22T09:30:00Z"),
                new Subscriber(Demo.user(i), Demo.email(i)), new Experiment("exp-winback-2026", "Winback offer Q4"), Assignment.TREATMENT,
                Instant.parse("2026-11-22T09:00:00Z"), null)), 1);
        Thread.sleep(3_000);
        Map<String, Object> iterable = demo.project().profile(Demo.user(i));
        Map<String, List<String>> blueConic = demo.blueConicTenant().profileBy("email", Demo.email(i));
        HttpResponse<String> segments = api.lookup("/v1/tenants/" + Demo.TENANT + "/subscribers/"
                + URLEncoder.encode(Demo.email(i), StandardCharsets.UTF_8) + "/segments");
        boolean named = false;
        for (String kind : List.of("iterable", "blueconic")) {
            String history = api.status(Demo.TENANT, kind).getJsonObject("delivery").encode();
            named |= history.contains(Demo.email(i)) || history.contains("\"" + Demo.user(i) + "\"");
        }
        Outcome outcome = new Outcome(erasureId, i, status, iterable, blueConic, segments.statusCode() + " " + segments.body(), named);
        progress.step("after a late, older event about them: Iterable holds " + (iterable == null ? "no such user" : iterable.keySet())
                + "; BlueConic profile properties " + (blueConic == null ? "none" : blueConic.keySet())
                + "; segment lookup " + outcome.segmentLookup() + "; the run history " + (named ? "still names them" : "names them nowhere"));
        return outcome;
    }

    private static String statuses(JsonObject status) {
        StringBuilder out = new StringBuilder();
        for (Object d : status.getJsonArray("destinations", new JsonArray())) {
            JsonObject destination = (JsonObject) d;
            out.append(out.length() == 0 ? "" : ", ").append(destination.getString("kind")).append(' ')
                    .append(destination.getString("mode")).append(": ").append(destination.getString("status"));
        }
        return out.length() == 0 ? "no destination yet" : out.toString();
    }

    /** None of the five fields, by their name at either vendor. */
    static boolean noSubsetsField(Set<String> names) {
        for (DestinationField field : DestinationField.values()) {
            if (names.contains(field.iterableName()) || names.contains(field.blueConicId())) {
                return false;
            }
        }
        return true;
    }
}
