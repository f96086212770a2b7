package com.subsets.sync.provisioner.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class DeliveryTargetTest {

    private static JsonObject iterable() {
        return new JsonObject().put("region", "us").put("identifier", "userId").put("preferUserId", false).put("projectId", "p1");
    }

    private static JsonObject blueConic() {
        return new JsonObject().put("instanceUrl", "https://acme.blueconic.net").put("clientId", "app")
                .put("matchingProperty", "email").put("strategy", "UPDATE").put("objectiveIds", new JsonArray().add("marketing"));
    }

    private static DeliveryTarget target(DestinationKind kind, JsonObject settings) {
        return DeliveryTarget.of(kind, settings);
    }

    @Test
    void anIterableProjectRegionOrIdentifierIsAnotherTarget() {
        DeliveryTarget before = target(DestinationKind.ITERABLE, iterable());
        assertThat(target(DestinationKind.ITERABLE, iterable().put("identifier", "email"))).isNotEqualTo(before)
                .satisfies(t -> assertThat(t.changesFrom(before)).isEqualTo("identifier: userId -> email"));
        assertThat(target(DestinationKind.ITERABLE, iterable().put("region", "eu"))).isNotEqualTo(before);
        assertThat(target(DestinationKind.ITERABLE, iterable().put("projectId", "p2"))).isNotEqualTo(before);
        JsonObject unnamed = iterable();
        unnamed.remove("projectId");
        assertThat(target(DestinationKind.ITERABLE, unnamed)).as("naming a project: it may be another one").isNotEqualTo(before)
                .isEqualTo(target(DestinationKind.ITERABLE, unnamed.copy()));
    }

    @Test
    void aChangeOfWriteModesIsAnotherTargetAtEitherVendor() {
        JsonObject add = new JsonObject().put("subsetsExperimentId", new JsonObject().put("mode", "add"));
        DeliveryTarget before = target(DestinationKind.ITERABLE, iterable());
        DeliveryTarget after = target(DestinationKind.ITERABLE, iterable().put("fields", add));
        assertThat(after).isNotEqualTo(before);
        assertThat(after.changesFrom(before)).isEqualTo("fields: all set_or_clear -> subsetsExperimentId=add");
        assertThat(target(DestinationKind.ITERABLE, iterable().put("fields", new JsonObject()
                .put("subsetsExperimentId", new JsonObject().put("mode", "set_or_clear")))))
                .as("every field set_or_clear, named or not: the same").isEqualTo(before);
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("fields", add)))
                .isNotEqualTo(target(DestinationKind.BLUECONIC, blueConic()));
    }

    @Test
    void howAnIterableProjectIsWrittenToIsNoTarget() {
        DeliveryTarget before = target(DestinationKind.ITERABLE, iterable());
        assertThat(target(DestinationKind.ITERABLE, iterable().put("preferUserId", true))).isEqualTo(before);
        assertThat(before.changesFrom(before)).isEmpty();
    }

    @Test
    void aBlueConicInstanceOrMatchingPropertyIsAnotherTarget() {
        DeliveryTarget before = target(DestinationKind.BLUECONIC, blueConic());
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("instanceUrl", "https://other.blueconic.net")))
                .isNotEqualTo(before);
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("matchingProperty", "customer_id"))).isNotEqualTo(before)
                .satisfies(t -> assertThat(t.changesFrom(before)).isEqualTo("matchingProperty: email -> customer_id"));
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("instanceUrl", "http://127.0.0.1:8080")))
                .isNotEqualTo(target(DestinationKind.BLUECONIC, blueConic().put("instanceUrl", "http://127.0.0.1:8081")));
    }

    @Test
    void theClientTheStrategyConsentAndSegmentsAreNoTargetNorIsHowTheInstanceIsSpelt() {
        DeliveryTarget before = target(DestinationKind.BLUECONIC, blueConic());
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("clientId", "another-app").put("strategy", "UPSERT")
                .put("objectiveIds", new JsonArray()).put("followSegments", new JsonArray().add("s1"))
                .put("followSegmentTags", new JsonArray().add("subsets")))).isEqualTo(before);
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("instanceUrl", "HTTPS://Acme.BlueConic.net:443/")))
                .as("the same origin").isEqualTo(before);
    }

    @Test
    void defaultsFilledInLaterAreTheSameTarget() {
        assertThat(target(DestinationKind.BLUECONIC, blueConic().put("matchingProperty", "email")))
                .isEqualTo(target(DestinationKind.BLUECONIC, new JsonObject().put("instanceUrl", "https://acme.blueconic.net")));
        assertThat(target(DestinationKind.ITERABLE, new JsonObject().put("projectId", "p1"))).isEqualTo(target(DestinationKind.ITERABLE, iterable()));
    }
}
