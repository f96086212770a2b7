package com.subsets.sync.provisioner;

import com.subsets.sync.infra.Await;
import com.subsets.sync.infra.FreePorts;
import com.subsets.sync.infra.EmbeddedKafka;
import com.subsets.sync.infra.EmbeddedPostgres;
import com.subsets.sync.infra.ForkedJvm;
import com.subsets.sync.infra.HeapSampler;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One big BlueConic segment read by the provisioner, twice: {@code -Dbench.members} members (5,000,000), served by the
 * simulator 1,000 a page (the provisioner's page size). The provisioner runs in its own JVM as its image does
 * ({@code -Xmx256m -XX:+UseSerialGC}), against an embedded PostgreSQL and broker in this JVM. For the first read (every
 * member enters) and a second read of the unchanged segment: its duration (the provisioner's own
 * {@code segment.read.duration}), its peak heap (the live heap: what a full collection, asked for every 15 s with
 * jcmd, leaves, from the JVM's GC log; also the most any collection left and the most used, sampled from {@code /metrics}
 * every 250 ms), the rows it wrote to the segment tables
 * ({@code pg_stat_user_tables}: inserted, updated and deleted) and the changes it published. Run by
 * {@code bench/segments.sh}.
 */
public final class SegmentReadBenchmark {

    private static final String TENANT = "big";
    private static final String SEGMENT = "seg-big";
    private static final String TOPIC = "bench-segments.memberships";
    private static final Pattern AFTER_GC = Pattern.compile("Pause (\\w+).*? (\\d+)M->(\\d+)M\\((\\d+)M\\)");
    /** How often the live heap is measured: a full collection asked for by jcmd (tens of milliseconds on this heap). */
    private static final long LIVE_SAMPLE_MILLIS = 15_000;
    private static final Pattern DURATION_SUM = Pattern.compile("segment_read_duration_seconds_sum\\{[^}]*} (\\S+)");

    private SegmentReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int members = Integer.getInteger("bench.members", 5_000_000);
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(); EmbeddedPostgres postgres = EmbeddedPostgres.start()) {
            BlueConicSimulator blueConic = new BlueConicSimulator(vertx);
            blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
            String simulatorHeap = segment(blueConic, members);
            PostgresEndpoint db = postgres.createDatabase("bench_segments");
            // The provisioner is ready only once the dispatchers' dead-letter topics exist (its replay scans read them).
            kafka.createTopics(1, "bench-segments.reports", com.subsets.sync.model.Topics.deadLetter("iterable"),
                    com.subsets.sync.model.Topics.deadLetter("blueconic"));
            kafka.createTopics(3, TOPIC);
            Path gcLog = Files.createTempFile("provisioner-gc", ".log");
            int port = FreePorts.any();
            int metricsPort = FreePorts.any();
            Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "bench-segments.reports");
            env.put("PROVISIONER_HTTP_PORT", String.valueOf(port));
            env.put("PROVISIONER_METRICS_PORT", String.valueOf(metricsPort));
            env.put("PROVISIONER_SEGMENTS_TOPIC", TOPIC);
            env.put("PROVISIONER_SEGMENTS_PAGE_SIZE", "1000");
            // One read at registration; the second when this benchmark asks for it.
            env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", String.valueOf(TimeUnit.DAYS.toMillis(1)));
            // The simulator shares this JVM (gigabytes of profiles) and the machine: a page can take seconds. A page that
            // fails anyway is resumed from its cursor a second later, and counted.
            env.put("PROVISIONER_VENDOR_TIMEOUT_MS", "30000");
            env.put("PROVISIONER_SEGMENTS_RETRY_MS", "1000");
            System.setProperty(ForkedJvm.JVM_ARGS_PROPERTY, (System.getProperty(ForkedJvm.JVM_ARGS_PROPERTY, "") + " -Xlog:gc:file=" + gcLog).trim());
            Path log = Files.createTempFile("provisioner", ".log");
            Process provisioner = ForkedJvm.start(Main.class, env, log);
            try {
                Await.until("the provisioner ready (log: " + log + ")", Duration.ofMinutes(2), () -> ready(metricsPort));
                JsonObject body = new JsonObject().put("instanceUrl", "http://127.0.0.1:" + blueConic.port()).put("clientId", "client-big")
                        .put("clientSecret", "secret-big").put("backfill", false).put("followSegments", new JsonArray().add(SEGMENT));
                int status = ProvisionerTestKit.operator(port, "PUT", "/v1/tenants/" + TENANT + "/destinations/blueconic", body.encode()).status();
                if (status != 201) {
                    throw new IllegalStateException("registration answered " + status);
                }
                Await.until("READY", Duration.ofMinutes(1), () -> ProvisionerTestKit.status(port, TENANT, "blueconic").equals("READY"));
                Read first = read(db, metricsPort, gcLog, kafka, provisioner.pid(), null);
                Read second = read(db, metricsPort, gcLog, kafka, provisioner.pid(), first);
                System.out.printf("%nsegment read benchmark (%d cores; broker, PostgreSQL, simulator and provisioner share them)%n"
                                + "segment of %,d members, 1,000 a page; provisioner in its own JVM, -Xmx256m -XX:+UseSerialGC%n"
                                + "first read:     %s%n"
                                + "unchanged read: %s (target: no member row)%n"
                                + "simulator:      %s%n",
                        Runtime.getRuntime().availableProcessors(), members, first.summary(null), second.summary(first), simulatorHeap);
            } finally {
                ForkedJvm.stop(provisioner);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /**
     * The tenant with {@code members} profiles (each an e-mail) in one segment; what the simulator's heap holds for them
     * (used heap after a full collection, before and after).
     */
    private static String segment(BlueConicSimulator blueConic, int members) {
        long before = usedAfterGc();
        BlueConicTenant tenant = blueConic.addTenant(TENANT, "client-big", "secret-big");
        List<String> ids = new ArrayList<>(members);
        for (int i = 0; i < members; i++) {
            ids.add(tenant.addProfile(Map.of("email", List.of("member-" + i + "@example.com"))));
        }
        tenant.segments().define(SEGMENT, "Everyone").members(SEGMENT, ids);
        ids = null;
        long after = usedAfterGc();
        return String.format("holds %,.0f MB for the %,d profiles and the segment (%,.0f bytes a member, in the benchmark's JVM)",
                (after - before) / 1e6, members, (double) (after - before) / members);
    }

    private static long usedAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** One read's figures. */
    private record Read(double seconds, double metricSecondsSum, long[] rows, long published, int peakLiveMb, int liveSamples,
                        int peakAfterGcMb, double peakSampledMb, int gcs, java.util.Set<String> errors) {
        String summary(Read before) {
            long[] previous = before == null ? new long[4] : before.rows;
            double took = before == null ? metricSecondsSum : metricSecondsSum - before.metricSecondsSum;
            return String.format("%.1f s (segment.read.duration; %.1f s from the request to last_read_at); heap: live at most %d MB "
                            + "(after a full collection every %d s, %d of them), at most %d MB after any collection (%d; the old "
                            + "generation keeps what young collections promoted until a full one), at most %.0f MB used (sampled from "
                            + "/metrics); rows written (inserted, updated, deleted): segment_member %,d, segment_read_member %,d, "
                            + "segment_read_exit %,d, segment_read_seen %,d; %,d changes published; %s",
                    took, seconds, peakLiveMb, LIVE_SAMPLE_MILLIS / 1000, liveSamples, peakAfterGcMb, gcs, peakSampledMb,
                    rows[0] - previous[0], rows[1] - previous[1], rows[2] - previous[2], rows[3] - previous[3],
                    published - (before == null ? 0 : before.published),
                    errors.isEmpty() ? "no page failed" : errors.size() + " failed attempts, resumed: " + errors);
        }
    }

    /** The first read (it starts by itself once the destination is READY), or a read asked for now once {@code previous} is done. */
    private static Read read(PostgresEndpoint db, int metricsPort, Path gcLog, EmbeddedKafka kafka, long pid, Read previous)
            throws Exception {
        String lastReadAt = lastReadAt(db, null);
        java.util.Set<String> errors = new java.util.LinkedHashSet<>();
        int gcLines = Files.readAllLines(gcLog).size();
        HeapSampler heap = new HeapSampler(metricsPort);
        heap.start();
        long started = System.nanoTime();
        if (previous != null) {
            sql(db, "DELETE FROM segment_schedule WHERE tenant_id = '" + TENANT + "'");
        }
        try {
            long nextLiveSample = System.currentTimeMillis() + LIVE_SAMPLE_MILLIS;
            while (true) {
                String now = lastReadAt(db, errors);
                if (now != null && !now.equals(lastReadAt)) {
                    break;
                }
                if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(90)) {
                    throw new IllegalStateException("the segment read took over 90 minutes");
                }
                if (System.currentTimeMillis() >= nextLiveSample) {
                    fullGc(pid);
                    nextLiveSample = System.currentTimeMillis() + LIVE_SAMPLE_MILLIS;
                }
                Thread.sleep(500);
            }
        } finally {
            heap.stopSampling();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<String> gc = Files.readAllLines(gcLog);
        int peak = 0;
        int count = 0;
        int peakLive = 0;
        int liveSamples = 0;
        for (String line : gc.subList(gcLines, gc.size())) {
            Matcher m = AFTER_GC.matcher(line);
            if (m.find()) {
                int after = Integer.parseInt(m.group(3));
                peak = Math.max(peak, after);
                count++;
                if (line.contains("(Diagnostic Command)")) {
                    peakLive = Math.max(peakLive, after);
                    liveSamples++;
                }
            }
        }
        return new Read(seconds, durationSum(metricsPort), rowsWritten(db), published(kafka), peakLive, liveSamples, peak, heap.peakMb(),
                count, errors);
    }

    /** A full collection in the provisioner's JVM (jcmd GC.run): what it leaves is what the heap holds live. */
    private static void fullGc(long pid) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "GC.run").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
    }

    private static boolean ready(int metricsPort) {
        try {
            return ProvisionerTestKit.call(metricsPort, "GET", "/health/ready", null, null).status() == 200;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static double durationSum(int metricsPort) {
        Matcher m = DURATION_SUM.matcher(ProvisionerTestKit.call(metricsPort, "GET", "/metrics", null, null).body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** The segment's last complete read, as text; the read's error, if it has one, added to {@code errors}. */
    private static String lastReadAt(PostgresEndpoint db, java.util.Set<String> errors) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery("SELECT last_read_at::text, last_error FROM segment_followed WHERE tenant_id = '" + TENANT + "'")) {
            if (!rows.next()) {
                return null;
            }
            if (rows.getString(2) != null && errors != null) {
                errors.add(rows.getString(2).length() > 200 ? rows.getString(2).substring(0, 200) : rows.getString(2));
            }
            return rows.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sql(PostgresEndpoint db, String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /**
     * Rows inserted, updated and deleted in segment_member, segment_read_member, segment_read_exit and segment_read_seen (a
     * row per page), once PostgreSQL's
     * statistics hold every finished transaction (two samples a second apart agree), as SegmentReadWritesIT counts them.
     */
    private static long[] rowsWritten(PostgresEndpoint db) throws Exception {
        List<String> tables = List.of("segment_member", "segment_read_member", "segment_read_exit", "segment_read_seen");
        // A backend that flushed its counts less than a second before going idle flushes them 10 s later (PostgreSQL 15+).
        Thread.sleep(10_500);
        long[] previous = null;
        for (int i = 0; i < 30; i++) {
            long[] now = new long[4];
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password()); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS written FROM pg_stat_user_tables "
                         + "WHERE relname IN ('segment_member', 'segment_read_member', 'segment_read_exit', 'segment_read_seen')")) {
                while (rows.next()) {
                    now[tables.indexOf(rows.getString("relname"))] = rows.getLong("written");
                }
            }
            if (previous != null && java.util.Arrays.equals(now, previous)) {
                return now;
            }
            previous = now;
            Thread.sleep(1_200);
        }
        throw new IllegalStateException("PostgreSQL's statistics kept moving: " + java.util.Arrays.toString(previous));
    }

    /** Changes on the memberships topic so far (its end offsets; the producer is idempotent, not transactional). */
    private static long published(EmbeddedKafka kafka) {
        Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(props,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(TOPIC).stream().map(p -> new org.apache.kafka.common.TopicPartition(TOPIC, p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
