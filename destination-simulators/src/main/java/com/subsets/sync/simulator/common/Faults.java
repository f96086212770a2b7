package com.subsets.sync.simulator.common;

import io.vertx.core.json.JsonObject;

/**
 * Faults injected at run time, through Java or {@code POST /_sim/faults}: the next {@code n} calls fail
 * with a status, are throttled (429), lose their connection, or are answered 200 with a body of the wrong shape;
 * every call waits {@code latencyMillis}.
 */
public final class Faults {

    /** What to do with one call. */
    public enum Action { NONE, FAIL, THROTTLE, DROP, GARBLE }

    private int failCalls;
    private int failStatus = 503;
    private int throttleCalls;
    private int dropCalls;
    private long latencyMillis;
    private int garbleCalls;
    private String garbledBody = "";
    private String poisonText;
    private int poisonStatus = 500;
    /** The bodies refused as poisoned, the newest last (the last 100; tests look at what was refused). */
    private final java.util.ArrayDeque<String> poisonedBodies = new java.util.ArrayDeque<>();

    public synchronized Faults failNext(int calls, int status) {
        failCalls = calls;
        failStatus = status;
        return this;
    }

    public synchronized Faults throttleNext(int calls) {
        throttleCalls = calls;
        return this;
    }

    public synchronized Faults dropNext(int calls) {
        dropCalls = calls;
        return this;
    }

    /**
     * The next {@code calls} calls are answered 200 with {@code body} as it is: a shape the vendor's document
     * does not promise, to see what a client makes of an answer it cannot read.
     */
    public synchronized Faults garbleNext(int calls, String body) {
        garbleCalls = calls;
        garbledBody = body;
        return this;
    }

    /**
     * Every call whose body contains {@code text} (a user's id, say) fails with {@code status}, for good, while every
     * other call goes through: a body the vendor refuses for ever (recorded from Iterable: a 500 GenericError repeating
     * for one set of users). {@code null} stops it.
     */
    public synchronized Faults poisonBodiesContaining(String text, int status) {
        poisonText = text;
        poisonStatus = status;
        poisonedBodies.clear();
        return this;
    }

    /** The status a call with this body fails with, or 0 when its body is not poisoned. */
    public synchronized int poisonedStatus(String body) {
        if (poisonText == null || body == null || !body.contains(poisonText)) {
            return 0;
        }
        if (poisonedBodies.size() >= 100) {
            poisonedBodies.removeFirst();
        }
        poisonedBodies.addLast(body);
        return poisonStatus;
    }

    /** The bodies refused as poisoned since the poison was last set, oldest first (the last 100). */
    public synchronized java.util.List<String> poisonedBodies() {
        return java.util.List.copyOf(poisonedBodies);
    }

    public synchronized String garbledBody() {
        return garbledBody;
    }

    public synchronized Faults latency(long millis) {
        latencyMillis = millis;
        return this;
    }

    public synchronized void clear() {
        failCalls = 0;
        throttleCalls = 0;
        dropCalls = 0;
        garbleCalls = 0;
        latencyMillis = 0;
        poisonText = null;
    }

    /** Decides the fate of the next call, consuming one injected fault. */
    public synchronized Action next() {
        if (dropCalls > 0) {
            dropCalls--;
            return Action.DROP;
        }
        if (throttleCalls > 0) {
            throttleCalls--;
            return Action.THROTTLE;
        }
        if (failCalls > 0) {
            failCalls--;
            return Action.FAIL;
        }
        if (garbleCalls > 0) {
            garbleCalls--;
            return Action.GARBLE;
        }
        return Action.NONE;
    }

    public synchronized int failStatus() {
        return failStatus;
    }

    public synchronized long latencyMillis() {
        return latencyMillis;
    }

    /**
     * Applies {@code {"failNext":3,"status":503,"throttleNext":5,"dropNext":1,"garbleNext":2,"body":"[]","latencyMs":200,
     * "poisonBodiesContaining":"u-7"}} ({@code status} also sets the poisoned bodies' status);
     * absent keys are left.
     */
    public synchronized void apply(JsonObject spec) {
        if (spec.containsKey("failNext")) {
            failNext(spec.getInteger("failNext"), spec.getInteger("status", 503));
        }
        if (spec.containsKey("throttleNext")) {
            throttleNext(spec.getInteger("throttleNext"));
        }
        if (spec.containsKey("dropNext")) {
            dropNext(spec.getInteger("dropNext"));
        }
        if (spec.containsKey("garbleNext")) {
            garbleNext(spec.getInteger("garbleNext"), spec.getString("body", ""));
        }
        if (spec.containsKey("latencyMs")) {
            latency(spec.getLong("latencyMs"));
        }
        if (spec.containsKey("poisonBodiesContaining")) {
            poisonBodiesContaining(spec.getString("poisonBodiesContaining"), spec.getInteger("status", 500));
        }
    }
}
