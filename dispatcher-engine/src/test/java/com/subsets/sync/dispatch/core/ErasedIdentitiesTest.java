package com.subsets.sync.dispatch.core;

import static com.subsets.sync.dispatch.core.Events.T0;
import static com.subsets.sync.dispatch.core.Events.assigned;
import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.DestinationField;
import com.subsets.sync.model.Erasure;
import com.subsets.sync.model.FieldFact;
import com.subsets.sync.model.StateRecord;
import com.subsets.sync.model.Subscriber;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a resync refuses to send: an erased subscriber's state no newer than their erasure. */
class ErasedIdentitiesTest {

    private static final Subscriber ADA = new Subscriber("ada", "ada@example.com");
    private static final Instant ERASED_AT = T0.plusSeconds(100);

    private final ErasedIdentities erased = new ErasedIdentities();

    private static StateRecord state(String tenant, Subscriber who, Instant... factTimes) {
        Map<DestinationField, FieldFact> fields = new java.util.EnumMap<>(DestinationField.class);
        DestinationField[] all = DestinationField.values();
        for (int i = 0; i < factTimes.length; i++) {
            fields.put(all[i], new FieldFact("v" + i, factTimes[i], i, "e-" + i));
        }
        return new StateRecord(tenant, who, fields);
    }

    @Test
    void anErasedSubscribersOldStateIsRefusedByUserIdOrByEmail() {
        erased.add(new Erasure("er-1", "acme", ERASED_AT, ADA));

        assertThat(erased.refuses(state("acme", ADA, T0, T0.plusSeconds(50)))).isTrue();
        assertThat(erased.refuses(state("acme", new Subscriber("ada", null), T0))).as("the userId alone").isTrue();
        assertThat(erased.refuses(state("acme", new Subscriber(null, "ADA@example.com"), T0))).as("the e-mail alone").isTrue();
        assertThat(erased.refuses(state("acme", ADA, ERASED_AT))).as("a fact as old as the erasure").isTrue();
    }

    @Test
    void aStateWithAFactNewerThanTheErasureIsTheSubscriberComeBack() {
        erased.add(new Erasure("er-1", "acme", ERASED_AT, ADA));

        assertThat(erased.refuses(state("acme", ADA, T0, ERASED_AT.plusMillis(1)))).isFalse();
    }

    @Test
    void otherSubscribersAndOtherTenantsAreNotRefused() {
        erased.add(new Erasure("er-1", "acme", ERASED_AT, new Subscriber("ada", null)));

        assertThat(erased.refuses(state("acme", new Subscriber("bob", "ada@example.com"), T0)))
                .as("only the userId was erased").isFalse();
        assertThat(erased.refuses(state("globex", ADA, T0))).as("another tenant's ada").isFalse();
        assertThat(ErasedIdentities.NONE.refuses(state("acme", ADA, T0))).isFalse();
    }

    @Test
    void theLatestErasureOfAnIdentifierCounts() {
        erased.add(new Erasure("er-2", "acme", ERASED_AT.plusSeconds(100), ADA));
        erased.add(new Erasure("er-1", "acme", ERASED_AT, ADA));

        assertThat(erased.refuses(state("acme", ADA, ERASED_AT.plusSeconds(50)))).isTrue();
        assertThat(erased.size()).isEqualTo(2);
    }

    @Test
    void anEventsResyncRefusesEventsNoNewerThanTheErasure() {
        erased.add(new Erasure("er-1", "acme", T0.plusSeconds(10), new Subscriber("ada", null)));

        assertThat(erased.refuses(assigned("ada", "exp-1", 5))).isTrue();
        assertThat(erased.refuses(assigned("ada", "exp-1", 11))).isFalse();
        assertThat(erased.refuses(assigned("bob", "exp-1", 5))).isFalse();
    }
}
