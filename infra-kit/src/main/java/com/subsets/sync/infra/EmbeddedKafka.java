package com.subsets.sync.infra;

import java.util.Map;
import kafka.server.BrokerServer;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker in this JVM, from Kafka's own test kit, on a loopback port (a free
 * one unless given). The port is fixed for the broker's life, so {@link #stopBroker()} and
 * {@link #restartBroker()} can take it away and bring it back, logs intact, where clients expect it. Settings from ../shared/docs/real-services.md: replication factors of 1 for the internal
 * topics, no initial rebalance delay (saves 3 s per group join), no automatic topic creation.
 */
public final class EmbeddedKafka implements KafkaService {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /**
     * On a free port. The port is free when picked and bound a moment later; another listener (the
     * controller's own, on an ephemeral port) can take it in between, so a bind failure picks again.
     */
    public static EmbeddedKafka start() {
        for (int attempt = 1; ; attempt++) {
            try {
                return start(FreePorts.on("localhost"));
            } catch (IllegalStateException e) {
                if (attempt == 5 || !causedByBindFailure(e)) {
                    throw e;
                }
                LOG.warn("the picked port was taken before the broker bound it; picking another");
            }
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    public static EmbeddedKafka start(int port) {
        neverExitTheJvm();
        KafkaClusterTestKit cluster = null;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .setPerServerProperties(Map.of(0, Map.of(
                            "listeners", "EXTERNAL://localhost:" + port + ",CONTROLLER://localhost:0")))
                    .build();
            cluster = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "4")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            EmbeddedKafka kafka = new EmbeddedKafka(cluster);
            LOG.info("embedded Kafka broker ready at {}", kafka.bootstrapServers());
            return kafka;
        } catch (InterruptedException e) {
            closeQuietly(cluster);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting Kafka", e);
        } catch (Exception e) {
            closeQuietly(cluster);
            throw new IllegalStateException("could not start the embedded Kafka broker", e);
        }
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        if (cluster == null) {
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("could not close a broker that failed to start: {}", e.toString());
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Takes the broker down (the controller stays): clients see connection refused on its port. */
    public void stopBroker() {
        broker().shutdown();
        LOG.info("embedded Kafka broker stopped");
    }

    /** Brings the broker back on the same port with the same logs. */
    public void restartBroker() {
        broker().startup();
        try {
            cluster.waitForReadyBrokers();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not come back", e);
        }
        LOG.info("embedded Kafka broker restarted at {}", bootstrapServers());
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }


    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("embedded Kafka did not close cleanly: {}", e.toString());
        }
    }

    /** Kafka calls Exit.halt on some shutdown paths; in a shared JVM that would kill the test run. */
    private static void neverExitTheJvm() {
        Exit.setExitProcedure((status, message) -> LOG.warn("Kafka asked to exit({}): {}", status, message));
        Exit.setHaltProcedure((status, message) -> LOG.warn("Kafka asked to halt({}): {}", status, message));
    }
}
