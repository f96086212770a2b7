package com.subsets.sync.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import java.io.InputStream;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the provisioner publishes agrees with the published schema, and a change has one id however often it is sent. */
class SegmentMembershipTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonSchema schema() throws Exception {
        try (InputStream in = SegmentMembership.class.getResourceAsStream("/contract/segment-membership.v1.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(MAPPER.readTree(in),
                    SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
        }
    }

    @Test
    void encodedChangesAgreeWithTheSchemaAndReadBack() throws Exception {
        JsonSchema schema = schema();
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        for (SegmentMembership change : new SegmentMembership[] {
                SegmentMembership.of("acme", "seg-1", "Likely to churn", "email", "ada@example.com", SegmentMembership.Change.ENTERED, at, "r1"),
                SegmentMembership.of("acme", "seg-1", "Likely to churn", "userId", "u-42", SegmentMembership.Change.EXITED, at, "r1")}) {
            JsonNode node = MAPPER.readTree(change.encode());
            assertThat(schema.validate(node)).as(node.toString()).isEmpty();
            assertThat(SegmentMembership.decode(change.encode())).isEqualTo(change);
        }
        JsonNode wrong = MAPPER.readTree("{\"schemaVersion\":1,\"changeId\":\"x\",\"tenantId\":\"acme\",\"segmentId\":\"s\","
                + "\"segmentName\":\"n\",\"subscriber\":{\"email\":\"a@b.c\",\"userId\":\"u\"},\"change\":\"joined\","
                + "\"observedAt\":\"2026-12-03T10:00:00Z\"}");
        assertThat(schema.validate(wrong)).extracting(Object::toString).anyMatch(m -> m.contains("changeId"))
                .anyMatch(m -> m.contains("change")).anyMatch(m -> m.contains("subscriber"));
    }

    @Test
    void oneChangeOfOneReadHasOneIdAndAnotherReadsChangeAnother() {
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        SegmentMembership first = SegmentMembership.of("acme", "seg-1", "n", "email", "a@b.c", SegmentMembership.Change.ENTERED, at, "r1");
        assertThat(SegmentMembership.of("acme", "seg-1", "n", "email", "a@b.c", SegmentMembership.Change.ENTERED, at, "r1").changeId())
                .isEqualTo(first.changeId());
        assertThat(SegmentMembership.of("acme", "seg-1", "n", "email", "a@b.c", SegmentMembership.Change.ENTERED, at, "r2").changeId())
                .isNotEqualTo(first.changeId());
        assertThatThrownBy(() -> SegmentMembership.decode("{}".getBytes())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a segment membership change");
    }

    @Test
    void segmentMembersAreIdentifiersByTheEventsRules() {
        assertThat(SegmentMembership.isIdentifier("email", "ada@example.com")).isTrue();
        assertThat(SegmentMembership.isIdentifier("userId", "u-42")).isTrue();
        assertThat(SegmentMembership.isIdentifier("userId", "x".repeat(256))).isTrue();
        assertThat(SegmentMembership.isIdentifier("userId", "\uD83D\uDE00".repeat(256))).as("256 code points").isTrue();
        // What PostgreSQL cannot store (a NUL) or index (a btree row above about 2.7 KB), and what no event could name.
        assertThat(SegmentMembership.isIdentifier("userId", "a\u0000b")).isFalse();
        assertThat(SegmentMembership.isIdentifier("email", "a\u0000b@example.com")).isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", "x".repeat(3_000))).isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", "x".repeat(257))).isFalse();
        assertThat(SegmentMembership.isIdentifier("email", "a".repeat(250) + "@example.com")).isFalse();
        assertThat(SegmentMembership.isIdentifier("email", "not an address")).isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", "\uD83D")).as("unpaired surrogate").isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", "   ")).isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", "")).isFalse();
        assertThat(SegmentMembership.isIdentifier("userId", null)).isFalse();
    }
}
