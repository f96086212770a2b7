package com.subsets.sync.state.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The erasure rule on stores in memory, filled by the linking rule: what is deleted, tombstoned and said in the header. */
class ErasuresTest {

    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    private static final String ADA = "ada@example.com";

    private final Map<String, StateRecord> states = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();
    private final LinkedSubscribers.Stores stores = new LinkedSubscribers.Stores() {
        @Override
        public StateRecord state(String key) {
            return states.get(key);
        }

        @Override
        public Link link(String key) {
            return links.get(key);
        }

        @Override
        public void putLink(String key, Link link) {
            links.put(key, link);
        }

        @Override
        public void deleteLink(String key) {
            links.remove(key);
        }
    };
    private final LinkedSubscribers subscribers = new LinkedSubscribers(stores);
    private final Erasures erasures = new Erasures(stores);
    private long offset;

    private void score(int hour, String userId, String email) {
        AssignmentEvent event = new AssignmentEvent("s-" + offset, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(hour * 3600L),
                new Subscriber(userId, email), null, null, null, new BigDecimal("0.5"));
        for (LinkedSubscribers.Write write : subscribers.apply(event, offset++).writes()) {
            if (write.record() == null) {
                states.remove(write.key());
            } else {
                states.put(write.key(), write.record());
            }
        }
    }

    /** Erased as the stream does: the result applied to the maps. */
    private Erasures.Result erase(String id, String userId, String email) {
        Erasures.Result result = erasures.erase(new AssignmentEvent(id, EventType.ERASED, "acme", T0.plusSeconds(86_400),
                new Subscriber(userId, email), null, null, null, null));
        result.tombstones().forEach(states::remove);
        result.deletedLinks().forEach(links::remove);
        result.rewrites().forEach(w -> states.put(w.key(), w.record()));
        return result;
    }

    private static String user(String userId) {
        return SubscriberKey.ofUserId("acme", userId).encode();
    }

    private static String email(String email) {
        return SubscriberKey.ofEmail("acme", email).encode();
    }

    private static void assertHeaderNames(Erasures.Result result, String id, Subscriber identity) {
        Erasure decoded = Erasure.decode(result.header());
        assertThat(decoded).isEqualTo(new Erasure(id, "acme", T0.plusSeconds(86_400), identity));
        assertThat(result.erasure()).isEqualTo(decoded);
    }

    @Test
    void erasedByUserIdTheLinkedEmailIsErasedWithIt() {
        score(1, "u-1", ADA);
        score(2, "u-2", null);

        Erasures.Result result = erase("x-1", "u-1", null);

        assertThat(result.tombstones()).containsExactly(user("u-1"), email(ADA));
        assertThat(result.deletedLinks()).containsExactlyInAnyOrder(user("u-1"), email(ADA));
        assertThat(result.rewrites()).isEmpty();
        assertHeaderNames(result, "x-1", new Subscriber("u-1", ADA));
        assertThat(states).containsOnlyKeys(user("u-2"));
        assertThat(links).isEmpty();
    }

    @Test
    void erasedByEmailTheUserIdItIsLinkedToIsErasedWithIt() {
        score(1, "u-1", ADA);
        score(2, null, ADA);

        Erasures.Result result = erase("x-1", null, ADA);

        assertThat(result.tombstones()).containsExactly(user("u-1"), email(ADA));
        assertThat(result.deletedLinks()).containsExactlyInAnyOrder(user("u-1"), email(ADA));
        assertHeaderNames(result, "x-1", new Subscriber("u-1", ADA));
        assertThat(states).isEmpty();
        assertThat(links).isEmpty();
    }

    @Test
    void anEmailNeverLinkedIsErasedAlone() {
        score(1, null, ADA);
        score(2, "u-1", null);

        Erasures.Result result = erase("x-1", null, ADA);

        assertThat(result.tombstones()).containsExactly(email(ADA));
        assertThat(result.deletedLinks()).isEmpty();
        assertHeaderNames(result, "x-1", new Subscriber(null, ADA));
        assertThat(states).containsOnlyKeys(user("u-1"));
    }

    @Test
    void aSubscriberNeverSeenStillGetsTombstonesForTheKeysItsEventNames() {
        score(1, "u-2", "bob@example.com");

        Erasures.Result result = erase("x-1", "u-1", ADA);

        assertThat(result.tombstones()).containsExactly(user("u-1"), email(ADA));
        assertThat(result.deletedLinks()).isEmpty();
        assertThat(result.rewrites()).isEmpty();
        assertHeaderNames(result, "x-1", new Subscriber("u-1", ADA));
        assertThat(states).containsOnlyKeys(user("u-2"));
        assertThat(links).hasSize(2);
    }

    @Test
    void aRepeatedErasureFindsNothingLinkedAndTombstonesWhatItNamesAgain() {
        score(1, "u-1", ADA);
        erase("x-1", null, ADA);

        Erasures.Result again = erase("x-1", null, ADA);

        assertThat(again.tombstones()).containsExactly(email(ADA));
        assertThat(again.deletedLinks()).isEmpty();
        assertHeaderNames(again, "x-1", new Subscriber(null, ADA));
        assertThat(states).isEmpty();
    }

    @Test
    void aPairNotLinkedToEachOtherErasesBothAndUnlinksWhatEachWasLinkedTo() {
        score(1, "u-1", "old@example.com");
        score(2, "u-2", ADA);

        Erasures.Result result = erase("x-1", "u-1", ADA);

        assertThat(result.tombstones()).containsExactly(user("u-1"), email(ADA));
        assertThat(result.deletedLinks()).containsExactlyInAnyOrder(user("u-1"), email("old@example.com"), email(ADA), user("u-2"));
        assertThat(links).isEmpty();
        assertThat(result.rewrites()).singleElement().satisfies(w -> {
            assertThat(w.key()).isEqualTo(user("u-2"));
            assertThat(w.send()).isTrue();
            assertThat(w.record().subscriber()).as("u-2 keeps its facts, without the erased e-mail").isEqualTo(new Subscriber("u-2", null));
        });
        assertThat(states).containsOnlyKeys(user("u-2"));
    }
}
