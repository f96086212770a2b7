package com.subsets.sync.provisioner;

import static com.subsets.sync.provisioner.ProvisionerTestKit.await;
import static com.subsets.sync.provisioner.ProvisionerTestKit.call;
import static com.subsets.sync.provisioner.ProvisionerTestKit.operator;
import static com.subsets.sync.provisioner.ProvisionerTestKit.OPERATOR_TOKEN;
import static com.subsets.sync.provisioner.ProvisionerTestKit.status;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.infra.KafkaService;
import com.subsets.sync.infra.PostgresEndpoint;
import com.subsets.sync.infra.PostgresService;
import com.subsets.sync.infra.RealServices;
import com.subsets.sync.model.SegmentMembership;
import com.subsets.sync.runtime.TokenAuthenticator;
import com.subsets.sync.simulator.blueconic.BlueConicSimulator;
import com.subsets.sync.simulator.blueconic.BlueConicTenant;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BlueConic segments back into Subsets, against a real PostgreSQL and broker and the BlueConic simulator: a
 * registration naming an unknown segment fails with BlueConic's words; the first read publishes every member as
 * entered, a later one only entries and exits; a read failing on page 3 of 5 publishes nothing and the next one
 * completes; a segment deleted at BlueConic is reported and its members exit once; the lookup endpoint answers
 * from the last complete reads.
 */
@ExtendWith(RealServices.class)
class SegmentsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOPIC = "segments-it.memberships";
    /** A lookup token of tenants brand and gone; the other is shaky's only. */
    private static final String LOOKUP_TOKEN = "lookup-token-for-tests";
    private static final String SHAKY_LOOKUP_TOKEN = "shaky-lookup-token-for-tests";
    private static final int PAGE_SIZE_BIG = 1_000;

    private static Vertx vertx;
    private static BlueConicSimulator blueConic;
    private static ProvisionerService provisioner;
    private static KafkaService kafka;
    private static int port;
    private static String instanceUrl;

    @BeforeAll
    static void start(PostgresService postgres, KafkaService broker) throws Exception {
        kafka = broker;
        vertx = Vertx.vertx();
        blueConic = new BlueConicSimulator(vertx);
        blueConic.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
        instanceUrl = "http://127.0.0.1:" + blueConic.port();
        PostgresEndpoint db = postgres.createDatabase("segments_it");
        kafka.createTopics(1, "segments-it.reports");
        kafka.createTopics(3, TOPIC);
        Map<String, String> env = ProvisionerTestKit.env(db, kafka, 1, "segments-it.reports");
        env.put("PROVISIONER_SEGMENTS_TOPIC", TOPIC);
        env.put("PROVISIONER_SEGMENTS_PAGE_SIZE", String.valueOf(PAGE_SIZE_BIG));
        // Reads run when a test asks (readSegments), not on the clock.
        env.put("PROVISIONER_SEGMENTS_INTERVAL_MS", "3600000");
        env.put("PROVISIONER_LOOKUP_TOKEN_SHA256", "brand:" + TokenAuthenticator.sha256Hex(LOOKUP_TOKEN) + ",gone:"
                + TokenAuthenticator.sha256Hex(LOOKUP_TOKEN) + ",shaky:" + TokenAuthenticator.sha256Hex(SHAKY_LOOKUP_TOKEN));
        provisioner = ProvisionerTestKit.start(env);
        port = provisioner.port();
    }

    @AfterAll
    static void stop() throws Exception {
        ProvisionerTestKit.stop(provisioner, vertx);
    }

    private static BlueConicTenant tenant(String name) {
        return blueConic.addTenant(name, "client-" + name, "secret-" + name);
    }

    private static ProvisionerTestKit.Reply register(String tenant, JsonObject follow) {
        JsonObject body = new JsonObject().put("instanceUrl", instanceUrl).put("clientId", "client-" + tenant)
                .put("clientSecret", "secret-" + tenant).put("backfill", false).mergeIn(follow);
        return operator(port, "PUT", "/v1/tenants/" + tenant + "/destinations/blueconic", body.encode());
    }

    private static List<String> members(BlueConicTenant tenant, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String email = "m" + i + "@example.com";
            Map<String, List<String>> existing = tenant.profileBy("email", email);
            ids.add(existing != null ? tenant.profileIdBy("email", email) : tenant.addProfile(Map.of("email", List.of(email))));
        }
        return ids;
    }

    private static void read() throws Exception {
        provisioner.readSegments().await(60, TimeUnit.SECONDS);
    }

    private static void readAgain(String tenant) throws Exception {
        provisioner.segmentStore().readSoon(tenant).await(10, TimeUnit.SECONDS);
        read();
    }

    /** The membership changes published for {@code tenant}, in order. */
    private static List<SegmentMembership> published(String tenant) {
        Map<String, Object> props = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers()));
        List<SegmentMembership> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream().map(p -> new TopicPartition(TOPIC, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (tenant.equals(record.key())) {
                        out.add(SegmentMembership.decode(record.value()));
                    }
                }
            }
        }
        return out;
    }

    private static long pagesServed(BlueConicTenant tenant) {
        return tenant.calls().stream().filter(c -> c.path().endsWith("/profiles") && c.path().contains("/segments/")
                && c.status() == 200).count();
    }

    private static List<String> subscribers(List<SegmentMembership> changes, SegmentMembership.Change change) {
        return changes.stream().filter(c -> c.change() == change).map(SegmentMembership::identifier).sorted().toList();
    }

    @Test
    void anUnknownSegmentIsReportedOnTheSegmentAndNeverFailsTheDestination() throws Exception {
        tenant("unknown").segments().define("seg-a", "A");
        var created = register("unknown", new JsonObject().put("followSegments", new JsonArray().add("seg-a").add("seg-missing")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "unknown", "blueconic").equals("READY"));
        readAgain("unknown");
        JsonObject missing = segment("unknown", "seg-missing");
        assertThat(missing.getString("lastError")).contains("segment_not_found").contains("Segment not found");
        assertThat(segment("unknown", "seg-a").getString("lastError")).isNull();
        assertThat(status(port, "unknown", "blueconic")).isEqualTo("READY");
        var invalid = register("unknown", new JsonObject().put("followSegments", new JsonArray().add("not a segment id")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("followSegments");
    }

    @Test
    void aFollowedSegmentDeletedAtBlueConicNeverFailsANewRevision() throws Exception {
        BlueConicTenant rotated = tenant("rotated");
        rotated.segments().define("seg-r", "Soon gone").members("seg-r", members(rotated, 0, 3));
        assertThat(register("rotated", new JsonObject().put("followSegments", new JsonArray().add("seg-r"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "rotated", "blueconic").equals("READY"));
        read();
        rotated.segments().remove("seg-r");
        readAgain("rotated");
        // A new revision (another strategy; a rotated secret is the same) with the deleted segment still named.
        var changed = register("rotated", new JsonObject().put("followSegments", new JsonArray().add("seg-r")).put("strategy", "UPSERT"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(202);
        await("the new revision READY", WAIT, () -> {
            JsonObject view = operator(port, "GET", "/v1/tenants/rotated/destinations/blueconic", null).json();
            return view.getString("status").equals("READY") && view.getLong("revision") == 2;
        });
        JsonObject segment = segment("rotated", "seg-r");
        assertThat(segment.getString("deletedAt")).isNotNull();
        assertThat(segment.getString("lastError")).contains("segment_deleted");
        assertThat(subscribers(published("rotated"), SegmentMembership.Change.EXITED)).hasSize(3);
    }

    @Test
    void aSegmentMissingFromOneListingIsReadDirectlyAndNoMemberExits() throws Exception {
        BlueConicTenant moving = tenant("moving");
        moving.segments().define("seg-m1", "One", "subsets").members("seg-m1", members(moving, 0, 4))
                .define("seg-m2", "Two").members("seg-m2", members(moving, 4, 6));
        assertThat(register("moving", new JsonObject().put("followSegmentTags", new JsonArray().add("subsets"))
                .put("followSegments", new JsonArray().add("seg-m2"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "moving", "blueconic").equals("READY"));
        read();
        assertThat(published("moving")).hasSize(6);
        // Deleted or reordered between two startIndex pages: one listing misses both, BlueConic still has them.
        moving.segments().hideFromListings("seg-m1", 1).hideFromListings("seg-m2", 1);
        moving.segments().members("seg-m1", members(moving, 1, 5));
        readAgain("moving");
        List<SegmentMembership> after = published("moving").subList(6, published("moving").size());
        assertThat(subscribers(after, SegmentMembership.Change.EXITED)).as("only the real change").containsExactly("m0@example.com");
        assertThat(subscribers(after, SegmentMembership.Change.ENTERED)).containsExactly("m4@example.com");
        assertThat(segment("moving", "seg-m1").getString("deletedAt")).isNull();
        assertThat(segment("moving", "seg-m2").getLong("members")).isEqualTo(2);
        readAgain("moving");
        assertThat(published("moving")).as("nothing enters again").hasSize(8);
    }

    @Test
    void memberValuesNoEventCouldNameAreUnmatchedAndTheReadCompletes() throws Exception {
        BlueConicTenant odd = tenant("odd");
        List<String> ids = new ArrayList<>(members(odd, 0, 2));
        ids.add(odd.addProfile(Map.of("email", List.of("nul\u0000inside@example.com"))));
        ids.add(odd.addProfile(Map.of("email", List.of("x".repeat(3_000) + "@example.com"))));
        ids.add(odd.addProfile(Map.of("email", List.of("not an e-mail address"))));
        odd.segments().define("seg-odd", "Odd values").members("seg-odd", ids);
        assertThat(register("odd", new JsonObject().put("followSegments", new JsonArray().add("seg-odd"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "odd", "blueconic").equals("READY"));
        read();
        assertThat(subscribers(published("odd"), SegmentMembership.Change.ENTERED)).containsExactly("m0@example.com", "m1@example.com");
        JsonObject segment = segment("odd", "seg-odd");
        assertThat(segment.getLong("members")).isEqualTo(2);
        assertThat(segment.getString("lastError")).isNull();
        assertThat(segment.getString("lastReadAt")).isNotNull();
    }

    @Test
    void unfollowingATagRemovedAndDeletingTheDestinationPublishTheExits() throws Exception {
        BlueConicTenant leaving = tenant("leaving");
        leaving.segments().define("seg-id", "By id").members("seg-id", members(leaving, 0, 2))
                .define("seg-tag", "By tag", "subsets").members("seg-tag", members(leaving, 2, 5))
                .define("seg-last", "Last", "subsets").members("seg-last", members(leaving, 5, 6));
        assertThat(register("leaving", new JsonObject().put("followSegments", new JsonArray().add("seg-id"))
                .put("followSegmentTags", new JsonArray().add("subsets"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "leaving", "blueconic").equals("READY"));
        read();
        assertThat(published("leaving")).hasSize(6);

        // Unfollowed: the registration no longer names seg-id.
        assertThat(register("leaving", new JsonObject().put("followSegmentTags", new JsonArray().add("subsets"))).status()).isEqualTo(202);
        await("the new revision READY", WAIT, () -> operator(port, "GET", "/v1/tenants/leaving/destinations/blueconic", null).json()
                .getLong("revision") == 2 && status(port, "leaving", "blueconic").equals("READY"));
        readAgain("leaving");
        assertThat(exitsOf("leaving", "seg-id")).containsExactly("m0@example.com", "m1@example.com");

        // The tag removed at BlueConic.
        leaving.segments().define("seg-tag", "By tag");
        readAgain("leaving");
        assertThat(exitsOf("leaving", "seg-tag")).containsExactly("m2@example.com", "m3@example.com", "m4@example.com");

        // The destination deleted: its last followed segment's members exit, and nothing is left to look up.
        assertThat(operator(port, "DELETE", "/v1/tenants/leaving/destinations/blueconic", null).status()).isEqualTo(204);
        read();
        readAgain("leaving");
        assertThat(exitsOf("leaving", "seg-last")).containsExactly("m5@example.com");
        assertThat(subscribers(published("leaving"), SegmentMembership.Change.EXITED)).as("each exit once").hasSize(6);
        assertThat(call(port, "GET", "/v1/tenants/leaving/subscribers/m5@example.com/segments", OPERATOR_TOKEN, null).json()
                .getJsonArray("segments")).isEmpty();
    }

    private static List<String> exitsOf(String tenant, String segmentId) {
        return published(tenant).stream().filter(c -> c.segmentId().equals(segmentId) && c.change() == SegmentMembership.Change.EXITED)
                .map(SegmentMembership::identifier).sorted().toList();
    }

    private static JsonObject segment(String tenant, String segmentId) {
        JsonArray segments = operator(port, "GET", "/v1/tenants/" + tenant + "/destinations/blueconic", null).json().getJsonArray("segments");
        return segments.stream().map(JsonObject.class::cast).filter(s -> s.getString("id").equals(segmentId)).findFirst()
                .orElseThrow(() -> new AssertionError(segmentId + " not in " + segments.encode()));
    }

    @Test
    void readsPublishEntriesThenOnlyChangesAndALookupAnswersFromTheLastCompleteRead() throws Exception {
        BlueConicTenant brand = tenant("brand");
        brand.segments().define("seg-churn", "Likely to churn", "subsets").members("seg-churn", members(brand, 0, 10))
                .define("seg-vip", "VIP", "subsets").members("seg-vip", members(brand, 5, 7))
                .define("seg-other", "Not followed");
        assertThat(register("brand", new JsonObject().put("followSegmentTags", new JsonArray().add("subsets"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "brand", "blueconic").equals("READY"));

        read();
        List<SegmentMembership> first = published("brand");
        assertThat(first).allMatch(c -> c.change() == SegmentMembership.Change.ENTERED);
        assertThat(first.stream().filter(c -> c.segmentId().equals("seg-churn")).map(SegmentMembership::identifier).sorted())
                .hasSize(10).contains("m0@example.com", "m9@example.com");
        assertThat(first.stream().filter(c -> c.segmentId().equals("seg-vip"))).hasSize(2)
                .allMatch(c -> c.segmentName().equals("VIP") && c.identifierName().equals("email"));
        assertThat(first).noneMatch(c -> c.segmentId().equals("seg-other"));

        brand.segments().members("seg-churn", members(brand, 3, 12));
        readAgain("brand");
        List<SegmentMembership> second = published("brand").subList(first.size(), published("brand").size());
        assertThat(subscribers(second, SegmentMembership.Change.ENTERED)).containsExactly("m10@example.com", "m11@example.com");
        assertThat(subscribers(second, SegmentMembership.Change.EXITED)).containsExactly("m0@example.com", "m1@example.com",
                "m2@example.com");

        var lookup = call(port, "GET", "/v1/tenants/brand/subscribers/m6@example.com/segments", LOOKUP_TOKEN, null);
        assertThat(lookup.status()).as(lookup.body()).isEqualTo(200);
        assertThat(lookup.json().getJsonArray("segments")).extracting(s -> ((JsonObject) s).getString("id"))
                .containsExactly("seg-churn", "seg-vip");
        assertThat(((JsonObject) lookup.json().getJsonArray("segments").getValue(0)).getString("readAt")).isNotNull();
        assertThat(call(port, "GET", "/v1/tenants/brand/subscribers/m0@example.com/segments", LOOKUP_TOKEN, null).json()
                .getJsonArray("segments")).isEmpty();
        assertThat(call(port, "GET", "/v1/tenants/brand/subscribers/m6@example.com/segments", "wrong", null).status()).isEqualTo(401);
        var otherTenant = call(port, "GET", "/v1/tenants/brand/subscribers/m6@example.com/segments", SHAKY_LOOKUP_TOKEN, null);
        assertThat(otherTenant.status()).as("a lookup token of another tenant: " + otherTenant.body()).isEqualTo(404);
        assertThat(otherTenant.body()).doesNotContain("seg-churn");
        assertThat(call(port, "GET", "/v1/tenants/shaky/subscribers/m6@example.com/segments", LOOKUP_TOKEN, null).status())
                .as("brand's token does not read shaky").isEqualTo(404);
        assertThat(call(port, "GET", "/v1/tenants/brand/subscribers/m6@example.com/segments", OPERATOR_TOKEN, null).status())
                .as("operators read every tenant").isEqualTo(200);
        assertThat(call(port, "GET", "/v1/tenants/brand/destinations/blueconic", LOOKUP_TOKEN, null).status())
                .as("a lookup token opens lookups only").isEqualTo(401);

        JsonObject view = operator(port, "GET", "/v1/tenants/brand/destinations/blueconic", null).json();
        assertThat(view.getJsonArray("segments")).anySatisfy(s -> {
            JsonObject segment = (JsonObject) s;
            assertThat(segment.getString("id")).isEqualTo("seg-churn");
            assertThat(segment.getString("name")).isEqualTo("Likely to churn");
            assertThat(segment.getLong("members")).isEqualTo(9);
            assertThat(segment.getString("lastReadAt")).isNotNull();
        });
    }

    @Test
    void aReadFailingOnPage3Of5PublishesNothingAndTheNextCompletes() throws Exception {
        BlueConicTenant shaky = tenant("shaky");
        shaky.segments().define("seg-1", "Pages").members("seg-1", members(shaky, 0, 4_500));
        assertThat(register("shaky", new JsonObject().put("followSegments", new JsonArray().add("seg-1"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "shaky", "blueconic").equals("READY"));
        read();
        int before = published("shaky").size();
        assertThat(before).isEqualTo(4_500);

        // 4,500 members become 4,498, partly others, 1,000 a page: 5 pages, of which the third fails.
        shaky.segments().members("seg-1", members(shaky, 4, 4_502));
        shaky.segments().failPage(3, 503);
        readAgain("shaky");
        assertThat(published("shaky")).as("no false exits from a read that failed midway").hasSize(before);
        JsonObject failed = ((JsonObject) operator(port, "GET", "/v1/tenants/shaky/destinations/blueconic", null).json()
                .getJsonArray("segments").getValue(0));
        assertThat(failed.getString("lastError")).contains("destination_error_503");

        long pagesBefore = pagesServed(shaky);
        readAgain("shaky");
        assertThat(pagesServed(shaky) - pagesBefore).as("the read resumed at page 3 with its stored cursor").isEqualTo(3);
        List<SegmentMembership> after = published("shaky").subList(before, published("shaky").size());
        assertThat(subscribers(after, SegmentMembership.Change.ENTERED)).containsExactly("m4500@example.com", "m4501@example.com");
        assertThat(subscribers(after, SegmentMembership.Change.EXITED)).containsExactly("m0@example.com", "m1@example.com",
                "m2@example.com", "m3@example.com");
    }

    @Test
    void aQuarterMillionMembersAreReadPageByPageInBoundedMemory() throws Exception {
        BlueConicTenant big = tenant("big");
        List<String> ids = new ArrayList<>(250_000);
        for (int i = 0; i < 250_000; i++) {
            ids.add(big.addProfile(Map.of("email", List.of("big" + i + "@example.com"))));
        }
        big.segments().define("seg-big", "Everyone").members("seg-big", ids);
        assertThat(register("big", new JsonObject().put("followSegments", new JsonArray().add("seg-big"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "big", "blueconic").equals("READY"));
        provisioner.segmentStore().readSoon("big").await(10, TimeUnit.SECONDS);

        // 1,000 a page: what this instance's read holds at once is a page and a slice of changes, whatever the segment's size.
        // The live heap is sampled by full collections (System.gc(), every 250 ms) while the read runs.
        long baseline = liveHeap();
        long[] peak = {baseline};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], liveHeap());
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        long started = System.nanoTime();
        provisioner.readSegments().await(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.interrupt();
        sampler.join();
        List<SegmentMembership> entered = published("big");
        assertThat(entered).hasSize(250_000).allMatch(c -> c.change() == SegmentMembership.Change.ENTERED);
        JsonObject segment = (JsonObject) operator(port, "GET", "/v1/tenants/big/destinations/blueconic", null).json()
                .getJsonArray("segments").getValue(0);
        assertThat(segment.getLong("members")).isEqualTo(250_000);
        System.out.printf("segment read: 250,000 members in %.1f s (%,.0f members/s, page size %d); live heap %d MB before, "
                + "at most %d MB during the read (this JVM also holds the simulator's 250,000 profiles and its answers)%n",
                seconds, 250_000 / seconds, PAGE_SIZE_BIG, baseline >> 20, peak[0] >> 20);
        // Pages read and slices published as a chain of composed futures kept each until the read's end: about 76 bytes a
        // member for the pages and more for the published changes, 3 million members filled a 256 MB heap. Bounded, the
        // read holds a page, a slice and the producer's buffers: far less than 32 MB for 250,000 members.
        assertThat(peak[0] - baseline).as("live heap the read added, bytes").isLessThan(32L << 20);
    }

    /** The live heap: what a full collection leaves (System.gc() is one with this JVM's collector). */
    private static long liveHeap() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    @Test
    void aSegmentDeletedAtBlueConicIsReportedAndItsMembersExitOnce() throws Exception {
        BlueConicTenant gone = tenant("gone");
        gone.segments().define("seg-x", "Doomed").members("seg-x", members(gone, 0, 6));
        assertThat(register("gone", new JsonObject().put("followSegments", new JsonArray().add("seg-x"))).status()).isEqualTo(201);
        await("READY", WAIT, () -> status(port, "gone", "blueconic").equals("READY"));
        read();
        gone.segments().remove("seg-x");
        readAgain("gone");
        readAgain("gone");
        List<SegmentMembership> all = published("gone");
        assertThat(subscribers(all, SegmentMembership.Change.EXITED)).hasSize(6).doesNotHaveDuplicates();
        JsonObject segment = (JsonObject) operator(port, "GET", "/v1/tenants/gone/destinations/blueconic", null).json()
                .getJsonArray("segments").getValue(0);
        assertThat(segment.getString("deletedAt")).isNotNull();
        assertThat(segment.getString("lastError")).contains("segment_deleted");
        assertThat(call(port, "GET", "/v1/tenants/gone/subscribers/m1@example.com/segments", LOOKUP_TOKEN, null).json()
                .getJsonArray("segments")).isEmpty();
    }
}
