package com.subsets.sync.simulator.common;

import io.vertx.core.json.JsonObject;

/**
 * Faults injected at run time, through Java or {@code POST /_sim/faults}: the next {@code n} calls fail
 * with a status, are throttled (429), or lose their connection; every call waits {@code latencyMillis}.
 */
public final class Faults {

    /** What to do with one call. */
    public enum Action { NONE, FAIL, THROTTLE, DROP }

    private int failCalls;
    private int failStatus = 503;
    private int throttleCalls;
    private int dropCalls;
    private long latencyMillis;

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

    public synchronized Faults latency(long millis) {
        latencyMillis = millis;
        return this;
    }

    public synchronized void clear() {
        failCalls = 0;
        throttleCalls = 0;
        dropCalls = 0;
        latencyMillis = 0;
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
        return Action.NONE;
    }

    public synchronized int failStatus() {
        return failStatus;
    }

    public synchronized long latencyMillis() {
        return latencyMillis;
    }

    /** Applies {@code {"failNext":3,"status":503,"throttleNext":5,"dropNext":1,"latencyMs":200}}; absent keys are left. */
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
        if (spec.containsKey("latencyMs")) {
            latency(spec.getLong("latencyMs"));
        }
    }
}
