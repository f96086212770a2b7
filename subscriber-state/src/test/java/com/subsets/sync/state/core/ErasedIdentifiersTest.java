package com.subsets.sync.state.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Subscriber;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The salted hashes of erased identifiers and what they overtake. */
class ErasedIdentifiersTest {

    private static final Instant ERASED_AT = Instant.parse("2026-11-22T10:00:00Z");
    private final ErasedIdentifiers identifiers = new ErasedIdentifiers("a-salt-of-sixteen+".getBytes(StandardCharsets.UTF_8));

    private static AssignmentEvent scored(Instant at, String userId, String email) {
        return new AssignmentEvent("s", EventType.CHURN_RISK_SCORED, "acme", at, new Subscriber(userId, email), null, null, null,
                new BigDecimal("0.5"));
    }

    @Test
    void eachIdentifierIsTheHexHmacOfTenantKindAndValueNeverTheValue() throws Exception {
        List<String> hashes = identifiers.hashesOf("acme", new Subscriber("u-1", "ada@example.com"));

        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("a-salt-of-sixteen+".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = java.util.HexFormat.of().formatHex(mac.doFinal("acme\u001Fe:ada@example.com".getBytes(StandardCharsets.UTF_8)));
        assertThat(hashes).hasSize(2).element(1).isEqualTo(expected);
        assertThat(hashes).allMatch(h -> h.matches("[0-9a-f]{64}"));
        assertThat(hashes.get(0)).isNotEqualTo(new ErasedIdentifiers("another-salt-here".getBytes(StandardCharsets.UTF_8))
                .hashesOf("acme", new Subscriber("u-1", null)).get(0));
        assertThat(identifiers.hashesOf("other", new Subscriber("u-1", null))).doesNotContain(hashes.get(0));
        assertThat(identifiers.toString()).doesNotContain("a-salt");
    }

    @Test
    void anEventAtOrBeforeTheErasureOfAnIdentifierItNamesIsOvertakenANewerOneIsNot() {
        Map<String, Instant> memory = new HashMap<>();
        identifiers.hashesOf("acme", new Subscriber(null, "ada@example.com")).forEach(h -> memory.put(h, ERASED_AT));

        assertThat(identifiers.overtaken(scored(ERASED_AT.minusSeconds(1), "u-9", "ada@example.com"), memory::get)).isTrue();
        assertThat(identifiers.overtaken(scored(ERASED_AT, null, "ada@example.com"), memory::get)).isTrue();
        assertThat(identifiers.overtaken(scored(ERASED_AT.plusSeconds(1), null, "ada@example.com"), memory::get)).isFalse();
        assertThat(identifiers.overtaken(scored(ERASED_AT.minusSeconds(1), "u-9", null), memory::get)).isFalse();
    }

    @Test
    void anEntryExpiresOnceKeptForTheMemory() {
        Instant recorded = Instant.parse("2026-11-01T00:00:00Z");
        assertThat(ErasedIdentifiers.expired(recorded, recorded.plus(Duration.ofDays(30)).minusMillis(1), Duration.ofDays(30))).isFalse();
        assertThat(ErasedIdentifiers.expired(recorded, recorded.plus(Duration.ofDays(30)), Duration.ofDays(30))).isTrue();
    }
}
