package com.subsets.sync.provisioner.erasure;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.model.Subscriber;
import com.subsets.sync.model.SubscriberDeliveries;
import com.subsets.sync.model.SubscriberDeliveries.Outcome;
import com.subsets.sync.provisioner.core.DestinationKind;
import org.junit.jupiter.api.Test;

class ErasureStatusTest {

    private static final Subscriber BOTH = new Subscriber("u1", "u1@example.com");

    private static SubscriberDeliveries.Row row(Subscriber who, Outcome outcome, String reason, String detail) {
        return new SubscriberDeliveries.Row(who, outcome, reason, detail, null, "er-1");
    }

    @Test
    void eachAnswerBecomesItsStatus() {
        assertThat(ErasureStatus.of(row(BOTH, Outcome.ACCEPTED, "cleared", null), DestinationKind.BLUECONIC, "clear", null))
                .isEqualTo(new ErasureStatus("cleared", null, null, null));
        assertThat(ErasureStatus.of(row(BOTH, Outcome.ACCEPTED, "deleted", null), DestinationKind.BLUECONIC, "forget", null).status())
                .isEqualTo("deleted");
        assertThat(ErasureStatus.of(row(BOTH, Outcome.SKIPPED, "not_found", null), DestinationKind.ITERABLE, "clear", "userId"))
                .isEqualTo(new ErasureStatus("not_found", "not_found", null, null));
        assertThat(ErasureStatus.of(row(BOTH, Outcome.SKIPPED, "no_identifier", null), DestinationKind.ITERABLE, "forget", "email").status())
                .isEqualTo("no_identifier");
        assertThat(ErasureStatus.of(row(BOTH, Outcome.DEAD_LETTERED, "unauthorized", "Invalid API key"), DestinationKind.ITERABLE,
                "forget", "userId")).isEqualTo(new ErasureStatus("failed", "unauthorized", "Invalid API key", null));
    }

    @Test
    void anErasureIdFollowsTheContractsEventIdRule() {
        assertThat(ErasureStatus.isErasureId("evt-2026.12:06_x")).isTrue();
        assertThat(ErasureStatus.isErasureId("e".repeat(128))).isTrue();
        assertThat(ErasureStatus.isErasureId("e".repeat(129))).isFalse();
        assertThat(ErasureStatus.isErasureId("")).isFalse();
        assertThat(ErasureStatus.isErasureId("er 1")).isFalse();
        assertThat(ErasureStatus.isErasureId(null)).isFalse();
    }

    @Test
    void theVendorsWordsAreKeptWithoutTheErasedIdentifiers() {
        assertThat(ErasureStatus.of(row(BOTH, Outcome.DEAD_LETTERED, "rejected_400", "profile u1@example.com (u1) is locked"),
                DestinationKind.BLUECONIC, "clear", null).detail()).isEqualTo("profile [erased] ([erased]) is locked");
        assertThat(ErasureStatus.scrub("", "u1")).isNull();
        assertThat(ErasureStatus.scrub("nothing of theirs", null, "u1")).isEqualTo("nothing of theirs");
    }

    @Test
    void iterableInForgetModeQueuesTheForgetWithTheProjectsIdentifierAfterTheClear() {
        assertThat(ErasureStatus.of(row(BOTH, Outcome.ACCEPTED, "cleared", null), DestinationKind.ITERABLE, "forget", "userId"))
                .isEqualTo(new ErasureStatus("forget_queued", null, null, "u1"));
        assertThat(ErasureStatus.of(row(BOTH, Outcome.SKIPPED, "not_found", null), DestinationKind.ITERABLE, "forget", "email"))
                .as("nothing of Subsets there, the user may still be: forgotten all the same")
                .isEqualTo(new ErasureStatus("forget_queued", null, null, "u1@example.com"));
        assertThat(ErasureStatus.of(row(new Subscriber(null, "x@example.com"), Outcome.ACCEPTED, "cleared", null), DestinationKind.ITERABLE,
                "forget", "userId").status()).isEqualTo("no_identifier");
        assertThat(ErasureStatus.of(row(BOTH, Outcome.ACCEPTED, "cleared", null), DestinationKind.BLUECONIC, "forget", null).status())
                .as("BlueConic's forget is the dispatcher's DELETE").isEqualTo("cleared");
        assertThat(ErasureStatus.of(row(BOTH, Outcome.DEAD_LETTERED, "x", "y"), DestinationKind.ITERABLE, "forget", "userId").status())
                .as("a failed clear is not forgotten").isEqualTo("failed");
    }
}
