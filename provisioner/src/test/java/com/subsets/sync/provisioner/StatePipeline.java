package com.subsets.sync.provisioner;

import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.blueconic.BlueConicDestination;
import com.subsets.sync.blueconic.BlueConicDispatcher;
import com.subsets.sync.blueconic.BlueConicDispatcherConfig;
import com.subsets.sync.dispatch.DispatcherService;
import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.iterable.IterableDestination;
import com.subsets.sync.iterable.IterableDispatcher;
import com.subsets.sync.iterable.IterableDispatcherConfig;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.StateRecordCodec;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import com.subsets.sync.runtime.EnvReader;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.iterable.IterableSimulator;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The provisioner with both simulators and both dispatchers reading a state topic of one partition, which the test
 * writes subscriber states to directly (standing in for the subscriber-state service): resyncs, replays and test
 * deliveries run as in production.
 */
final class StatePipeline implements AutoCloseable {

    final Vertx vertx = Vertx.vertx();
    final IterableSimulator iterable = new IterableSimulator(vertx);
    final BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
    final String stateTopic;
    final String reportsTopic;
    final String deliveriesTopic;
    final int port;
    final Map<String, String> provisionerEnv;
    private final KafkaService kafka;
    private final KafkaProducer<String, byte[]> producer;
    ProvisionerService provisioner;
    private DispatcherService<IterableDestination> iterableDispatcher;
    private DispatcherService<BlueConicDestination> blueConicDispatcher;
    private long eventOffset;

    StatePipeline(PostgresService postgres, KafkaService kafka, String name) throws Exception {
        this(postgres, kafka, name, Map.of());
    }

    /** {@code extraEnv}: the provisioner's variables beyond the kit's (lookup tokens, say). */
    StatePipeline(PostgresService postgres, KafkaService kafka, String name, Map<String, String> extraEnv) throws Exception {
        this.kafka = kafka;
        iterable.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        stateTopic = name + ".state";
        reportsTopic = name + ".reports";
        deliveriesTopic = name + ".deliveries";
        kafka.createTopics(1, stateTopic, stateTopic + ".dlq.iterable", stateTopic + ".dlq.blueconic", reportsTopic, deliveriesTopic);
        provisionerEnv = ProvisionerTestKit.env(postgres.createDatabase(name.replace('-', '_')), kafka, iterable.port(), reportsTopic);
        port = FreePorts.any();
        provisionerEnv.put("PROVISIONER_HTTP_PORT", String.valueOf(port));
        provisionerEnv.put("PROVISIONER_ITERABLE_DEAD_LETTER_TOPIC", stateTopic + ".dlq.iterable");
        provisionerEnv.put("PROVISIONER_BLUECONIC_DEAD_LETTER_TOPIC", stateTopic + ".dlq.blueconic");
        provisionerEnv.put("PROVISIONER_STATE_TOPIC", stateTopic);
        provisionerEnv.put("PROVISIONER_DELIVERIES_TOPIC", deliveriesTopic);
        provisionerEnv.putAll(extraEnv);
        provisioner = ProvisionerTestKit.start(provisionerEnv);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    void startIterableDispatcher() throws Exception {
        Map<String, String> env = dispatcherEnv("ITERABLE_");
        iterableDispatcher = IterableDispatcher.start(IterableDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
    }

    /** Stops the Iterable dispatcher (what it has resolved committed): resyncs and replays asked for now stay pending. */
    void stopIterableDispatcher() throws Exception {
        iterableDispatcher.close().await(30, TimeUnit.SECONDS);
        iterableDispatcher = null;
    }

    void startBlueConicDispatcher() throws Exception {
        Map<String, String> env = dispatcherEnv("BLUECONIC_");
        blueConicDispatcher = BlueConicDispatcher.start(BlueConicDispatcherConfig.fromEnv(new EnvReader(env::get), env.keySet()))
                .await(60, TimeUnit.SECONDS);
    }

    /** A subscriber's whole state, as the state service writes it: keyed by its state key, every given field set. */
    void putState(String tenant, Subscriber subscriber, Map<DestinationField, String> values) {
        Instant at = Instant.parse("2026-11-22T10:00:00Z").plusSeconds(++eventOffset);
        Map<DestinationField, FieldFact> fields = new EnumMap<>(DestinationField.class);
        values.forEach((field, value) -> fields.put(field, new FieldFact(value, at, eventOffset, "e-" + eventOffset)));
        producer.send(new ProducerRecord<>(stateTopic, SubscriberKey.ofState(tenant, subscriber).encode(),
                StateRecordCodec.encode(new StateRecord(tenant, subscriber, fields))));
        producer.flush();
    }

    /** The five fields of an assignment, with this churn risk. */
    static Map<DestinationField, String> assigned(String churnRisk) {
        Map<DestinationField, String> values = new EnumMap<>(DestinationField.class);
        values.put(DestinationField.EXPERIMENT_ID, "exp-1");
        values.put(DestinationField.EXPERIMENT_NAME, "Winback");
        values.put(DestinationField.EXPERIMENT_ADDED_AT, "2026-11-22T09:00:00Z");
        values.put(DestinationField.EXPERIMENT_ASSIGNMENT, "treatment");
        values.put(DestinationField.CHURN_RISK, churnRisk);
        return values;
    }

    ProvisionerTestKit.Reply operator(String method, String path, String body) {
        return ProvisionerTestKit.operator(port, method, path, body);
    }

    private Map<String, String> dispatcherEnv(String prefix) {
        Map<String, String> env = ProvisionerTestKit.dispatcherEnv(prefix, kafka.bootstrapServers(), "state", stateTopic, reportsTopic,
                port, 20);
        env.put(prefix + "DELIVERIES_TOPIC", deliveriesTopic);
        return env;
    }

    @Override
    public void close() throws Exception {
        producer.close();
        if (iterableDispatcher != null) {
            iterableDispatcher.close().await(30, TimeUnit.SECONDS);
        }
        if (blueConicDispatcher != null) {
            blueConicDispatcher.close().await(30, TimeUnit.SECONDS);
        }
        ProvisionerTestKit.stop(provisioner, vertx);
    }

}
