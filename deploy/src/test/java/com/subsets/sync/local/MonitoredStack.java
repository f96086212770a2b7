package com.subsets.sync.local;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.Topics;
import com.subsets.sync.runtime.EnvReader;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Test support for the deployment's checks (in the local stack's package, for its package-private parts): the whole
 * system on free ports with its demo delivered, and the failures the alerts are about, each with its undoing.
 */
public final class MonitoredStack implements AutoCloseable {

    private static final Instant T1 = Instant.parse("2026-12-01T00:00:00Z");
    private final LocalStack stack;
    private final StackHttp api;
    private int scores;

    private MonitoredStack(LocalStack stack) {
        this.stack = stack;
        this.api = new StackHttp(stack.config);
    }

    /** Starts the stack with these variables set for every service, registers the demo tenant and waits for its delivery. */
    public static MonitoredStack startWithDemo(Map<String, String> serviceEnv) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (String port : List.of("INGEST", "INGEST_METRICS", "ITERABLE_DISPATCHER", "BLUECONIC_DISPATCHER", "PROVISIONER",
                "PROVISIONER_METRICS", "STATE", "ITERABLE_SIMULATOR", "BLUECONIC_SIMULATOR")) {
            env.put("LOCAL_" + port + "_PORT", "0");
        }
        env.put("LOCAL_DEMO_SUBSCRIBERS", "40");
        LocalStackConfig config = LocalStackConfig.fromEnv(new EnvReader(env::get)).withServiceEnv(serviceEnv);
        Progress progress = new Progress(new PrintStream(System.out, true, StandardCharsets.UTF_8));
        LocalStack stack = LocalStack.start(config, progress);
        try {
            Demo demo = new Demo(stack, progress);
            demo.register();
            demo.sendEvents();
            if (!demo.awaitDelivery(Duration.ofSeconds(90))) {
                throw new IllegalStateException("the demo did not arrive");
            }
            return new MonitoredStack(stack);
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    public String host() {
        return stack.config.host();
    }

    /** Each service's operations port (its {@code /metrics}), by service name. */
    public Map<String, Integer> metricsPorts() {
        return stack.config.metricsPorts();
    }

    /**
     * Registers a tenant with an Iterable project of its own in the simulator (named {@code <tenant>-project}); returns
     * once its destination is READY and the dispatchers have read it.
     */
    public void registerIterableTenant(String tenant) throws Exception {
        String apiKey = tenant + "-key-" + Long.toHexString(System.nanoTime());
        stack.iterable.addProject(tenant + "-project", apiKey, com.subsets.sync.simulator.iterable.IterableProject.Identity.USER_ID);
        api.operatorOk("PUT", "/v1/tenants/" + tenant + "/destinations/iterable", new io.vertx.core.json.JsonObject()
                .put("apiKey", apiKey).put("region", "us").put("identifier", "userId").put("projectId", tenant + "-project"));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"READY".equals(api.destination(tenant, "iterable").getString("status"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(tenant + " not READY: " + api.destination(tenant, "iterable").encode());
            }
            Thread.sleep(250);
        }
        // The dispatchers read READY destinations every 2 s here.
        Thread.sleep(2_500);
    }

    /** Iterable answers every request of the tenant's project with this status, until {@link #iterableAnswers}. */
    public void iterableFails(String tenant, int status) {
        stack.iterable.project(tenant + "-project").faults().failNext(Integer.MAX_VALUE, status);
    }

    public void iterableAnswers(String tenant) {
        stack.iterable.project(tenant + "-project").faults().clear();
    }

    /** A new churn score for each of {@code subscribers} subscribers of the tenant, through the ingest API. */
    public void sendScores(String tenant, int subscribers) throws Exception {
        List<AssignmentEvent> events = new ArrayList<>();
        for (int i = 1; i <= subscribers; i++) {
            int n = ++scores;
            events.add(new AssignmentEvent("monitored-score-" + n, EventType.CHURN_RISK_SCORED, tenant, T1.plusMillis(n),
                    new Subscriber(tenant + "-user-" + i, null), null, null, null, BigDecimal.valueOf(n % 100, 2)));
        }
        api.ingest(events, 100);
    }

    /** The tenant's Iterable destination as its status endpoint tells it (READY, DEGRADED, ...). */
    public String iterableStatus(String tenant) throws Exception {
        return api.status(tenant, "iterable").getString("status");
    }

    /** A record straight onto the assignment-events topic, past ingest's validation (a poison record, say). */
    public void produceToEvents(String key, byte[] value) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.bootstrapServers);
        props.put("max.request.size", String.valueOf(Math.max(1 << 20, value.length + 4096)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.ASSIGNMENT_EVENTS, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Stops the subscriber-state service: its port closes, nothing applies events. */
    public void stopState() {
        stack.stopState();
    }

    /** Starts it again, on the same port and state directory. */
    public void startState() throws Exception {
        stack.startState();
    }

    @Override
    public void close() {
        stack.close();
    }
}
