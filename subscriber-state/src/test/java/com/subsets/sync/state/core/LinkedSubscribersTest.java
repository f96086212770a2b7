package com.subsets.sync.state.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Assignment;
import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.EventType;
import com.subsets.sync.model.Experiment;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberKey;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The linking rule of issue 25 on stores in memory: which subscriber each fact lands on, and what is written. */
class LinkedSubscribersTest {

    private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
    private static final String ADA = "ada@example.com";

    /** States and links in maps; what reaches the state topic, in order (a null record is a tombstone). */
    private final Map<String, StateRecord> states = new HashMap<>();
    private final Map<String, Link> links = new HashMap<>();
    private final List<LinkedSubscribers.Write> sent = new ArrayList<>();
    private final LinkedSubscribers subscribers = new LinkedSubscribers(new LinkedSubscribers.Stores() {
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
    });
    private long offset;

    private LinkedSubscribers.Result apply(AssignmentEvent event) {
        LinkedSubscribers.Result result = subscribers.apply(event, offset++);
        for (LinkedSubscribers.Write write : result.writes()) {
            if (write.record() == null) {
                states.remove(write.key());
            } else {
                states.put(write.key(), write.record());
            }
            if (write.send()) {
                sent.add(write);
            }
        }
        return result;
    }

    private static Subscriber who(String userId, String email) {
        return new Subscriber(userId, email);
    }

    private static AssignmentEvent assigned(String id, int hour, Subscriber who, String experiment, String risk) {
        return new AssignmentEvent(id, EventType.ASSIGNED, "acme", T0.plusSeconds(hour * 3600L), who,
                new Experiment(experiment, "Name " + experiment), Assignment.TREATMENT, T0, risk == null ? null : new BigDecimal(risk));
    }

    private static AssignmentEvent scored(String id, int hour, Subscriber who, String risk) {
        return new AssignmentEvent(id, EventType.CHURN_RISK_SCORED, "acme", T0.plusSeconds(hour * 3600L), who, null, null, null,
                new BigDecimal(risk));
    }

    private static AssignmentEvent unassigned(String id, int hour, Subscriber who) {
        return new AssignmentEvent(id, EventType.UNASSIGNED, "acme", T0.plusSeconds(hour * 3600L), who, new Experiment("x", null),
                null, null, null);
    }

    private static String user(String userId) {
        return SubscriberKey.ofUserId("acme", userId).encode();
    }

    private static String email(String email) {
        return SubscriberKey.ofEmail("acme", email).encode();
    }

    private String value(String key, DestinationField field) {
        return states.get(key).fields().get(field).value();
    }

    @Test
    void theIssuesExampleEndsAsOneSubscriberClearedWithTheNewestChurn() {
        apply(assigned("e-9", 9, who("u-1", ADA), "exp-1", "0.5"));
        apply(scored("e-10", 10, who("u-1", null), "0.9"));
        apply(unassigned("e-11", 11, who("u-1", ADA)));

        assertThat(states).containsOnlyKeys(user("u-1"));
        StateRecord u1 = states.get(user("u-1"));
        assertThat(u1.subscriber()).isEqualTo(who("u-1", ADA));
        assertThat(value(user("u-1"), DestinationField.CHURN_RISK)).isEqualTo("0.90");
        assertThat(value(user("u-1"), DestinationField.EXPERIMENT_ID)).isNull();
        assertThat(value(user("u-1"), DestinationField.EXPERIMENT_ASSIGNMENT)).isNull();
        assertThat(sent).extracting(LinkedSubscribers.Write::key).containsOnly(user("u-1")).hasSize(3);
        assertThat(sent).allMatch(w -> w.record().subscriber().equals(who("u-1", ADA)));
        assertThat(links.get(email(ADA)).other()).isEqualTo("u-1");
        assertThat(links.get(user("u-1")).other()).isEqualTo(ADA);
    }

    @Test
    void aNewerEventMovesAnEmailToAnotherUserIdWhoseFormerOwnerKeepsItsFactsWithoutIt() {
        assertThat(apply(scored("a", 9, who("u-0", ADA), "0.30")).link()).isEqualTo(LinkedSubscribers.LinkChange.MADE);
        sent.clear();

        LinkedSubscribers.Result moved = apply(assigned("b", 10, who("u-1", ADA), "exp-1", null));

        assertThat(moved.link()).isEqualTo(LinkedSubscribers.LinkChange.MOVED);
        assertThat(sent).extracting(LinkedSubscribers.Write::key).containsExactly(user("u-0"), user("u-1"));
        assertThat(states.get(user("u-0")).subscriber()).isEqualTo(who("u-0", null));
        assertThat(value(user("u-0"), DestinationField.CHURN_RISK)).isEqualTo("0.30");
        assertThat(states.get(user("u-1")).subscriber()).isEqualTo(who("u-1", ADA));
        assertThat(links).containsOnlyKeys(email(ADA), user("u-1"));

        apply(scored("c", 11, who(null, ADA), "0.77"));
        assertThat(value(user("u-1"), DestinationField.CHURN_RISK)).as("e-mail-only facts follow the link").isEqualTo("0.77");
        assertThat(value(user("u-0"), DestinationField.CHURN_RISK)).isEqualTo("0.30");
    }

    @Test
    void anOlderClaimDoesNotMoveTheLinkButItsFactsStillApplyToTheUserIdItNames() {
        apply(scored("new", 10, who("u-1", ADA), "0.40"));
        sent.clear();

        LinkedSubscribers.Result late = apply(scored("old", 9, who("u-0", ADA), "0.20"));

        assertThat(late.link()).isEqualTo(LinkedSubscribers.LinkChange.NONE);
        assertThat(links.get(email(ADA)).other()).isEqualTo("u-1");
        assertThat(states.get(user("u-1")).subscriber()).isEqualTo(who("u-1", ADA));
        assertThat(states.get(user("u-0")).subscriber()).as("named by its userId, not linked").isEqualTo(who("u-0", null));
        assertThat(value(user("u-0"), DestinationField.CHURN_RISK)).isEqualTo("0.20");
        assertThat(sent).extracting(LinkedSubscribers.Write::key).containsExactly(user("u-0"));
    }

    @Test
    void theSameLinkConfirmedLaterOutranksAClaimBetweenTheTwo() {
        apply(scored("a", 9, who("u-1", ADA), "0.40"));
        apply(scored("b", 11, who("u-1", ADA), "0.50"));

        apply(scored("c", 10, who("u-0", ADA), "0.60"));

        assertThat(links.get(email(ADA)).other()).as("the link as of 11:00, not 09:00").isEqualTo("u-1");
    }

    @Test
    void emailOnlyFactsAreMergedOnLinkingNewestFirstAndTheirStateTombstoned() {
        apply(scored("u-own", 7, who("u-1", null), "0.10"));
        apply(scored("e-old", 8, who(null, ADA), "0.30"));
        apply(assigned("e-new", 12, who(null, ADA), "exp-7", null));
        assertThat(states).containsOnlyKeys(user("u-1"), email(ADA));
        assertThat(states.get(email(ADA)).subscriber()).isEqualTo(who(null, ADA));
        sent.clear();

        LinkedSubscribers.Result linked = apply(unassigned("pair", 10, who("u-1", ADA)));

        assertThat(linked.link()).isEqualTo(LinkedSubscribers.LinkChange.MADE);
        assertThat(linked.applied()).as("its own clears are older than exp-7, yet the record changed").isEqualTo(SubscriberState.Applied.CHANGED);
        assertThat(states).containsOnlyKeys(user("u-1"));
        assertThat(sent).extracting(LinkedSubscribers.Write::key).containsExactly(email(ADA), user("u-1"));
        assertThat(sent.get(0).record()).as("a tombstone").isNull();
        assertThat(states.get(user("u-1")).subscriber()).isEqualTo(who("u-1", ADA));
        assertThat(value(user("u-1"), DestinationField.CHURN_RISK)).as("08:00 beats 07:00").isEqualTo("0.30");
        assertThat(value(user("u-1"), DestinationField.EXPERIMENT_ID)).as("12:00 beats the 10:00 clear").isEqualTo("exp-7");
    }

    @Test
    void anEmailOnlyEventGoesToTheUserIdItsEmailIsLinkedTo() {
        apply(assigned("a", 9, who("u-1", ADA), "exp-1", null));
        sent.clear();

        apply(scored("b", 10, who(null, ADA), "0.66"));

        assertThat(states).containsOnlyKeys(user("u-1"));
        assertThat(value(user("u-1"), DestinationField.CHURN_RISK)).isEqualTo("0.66");
        assertThat(sent).singleElement().satisfies(w -> {
            assertThat(w.key()).isEqualTo(user("u-1"));
            assertThat(w.record().subscriber()).isEqualTo(who("u-1", ADA));
        });
    }

    @Test
    void aUserIdTakingANewEmailUnlinksItsFormerEmailWhichStandsAloneAgain() {
        apply(scored("a", 9, who("u-1", "old@example.com"), "0.10"));

        LinkedSubscribers.Result moved = apply(scored("b", 10, who("u-1", ADA), "0.20"));
        apply(scored("c", 11, who(null, "old@example.com"), "0.90"));

        assertThat(moved.link()).isEqualTo(LinkedSubscribers.LinkChange.MOVED);
        assertThat(links).containsOnlyKeys(user("u-1"), email(ADA));
        assertThat(states.get(user("u-1")).subscriber()).isEqualTo(who("u-1", ADA));
        assertThat(value(user("u-1"), DestinationField.CHURN_RISK)).isEqualTo("0.20");
        assertThat(states.get(email("old@example.com")).subscriber()).isEqualTo(who(null, "old@example.com"));
        assertThat(value(email("old@example.com"), DestinationField.CHURN_RISK)).isEqualTo("0.90");
    }

    @Test
    void aRepeatedPairEventIsADuplicateAndWritesNothing() {
        AssignmentEvent event = scored("a", 9, who("u-1", ADA), "0.10");
        offset = 5;
        apply(event);

        LinkedSubscribers.Result again = subscribers.apply(event, 5);

        assertThat(again.applied()).isEqualTo(SubscriberState.Applied.DUPLICATE);
        assertThat(again.link()).isEqualTo(LinkedSubscribers.LinkChange.NONE);
        assertThat(again.writes()).isEmpty();
    }
}
