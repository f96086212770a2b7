package com.subsets.sync.provisioner.deliveries;

import static org.assertj.core.api.Assertions.assertThat;

import com.subsets.sync.provisioner.store.ResyncStore;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SubscriberStoryTest {

    private static final OffsetDateTime T = OffsetDateTime.parse("2026-12-06T10:00:00Z");

    private static SubscriberDeliveryStore.Stored row(String kind, String answer, OffsetDateTime at) {
        return new SubscriberDeliveryStore.Stored(kind, "acme\u001Fu1\u001F", "u1", null, T, new JsonObject().put("subsetsExperimentId", "e1"),
                at, answer, "accepted".equals(answer) ? null : "forgotten", "accepted".equals(answer) ? null : "words",
                "accepted".equals(answer) ? null : at, "accepted".equals(answer) ? null : "forgotten",
                "accepted".equals(answer) ? null : "words", null);
    }

    @Test
    void oneEntryPerRegisteredDestinationInOrderWithTheNewestRowAndWhatIsPending() {
        SubscriberQuery query = SubscriberQuery.parse("acme", "u1", null);
        SubscriberStory story = new SubscriberStory(query, List.of("iterable", "blueconic"), List.of(
                row("blueconic", "dead_lettered", T.plusSeconds(5)), row("iterable", "accepted", T.plusSeconds(2)),
                row("iterable", "dead_lettered", T.plusSeconds(1))));
        ResyncStore.Resync replay = new ResyncStore.Resync(7, "acme", "replay", "d", 0, 1L, "PENDING", T,
                null, null, null, null, null, 0, null, null, null);
        story.destination("blueconic", Optional.of(new ResyncStore.Parking("acme", 0, 0, "unreachable", T)), Optional.empty(),
                Optional.of(replay));
        story.destination("iterable", Optional.empty(), Optional.empty(), Optional.empty());
        JsonObject json = story.toJson();
        assertThat(json.getJsonObject("subscriber").getString("by")).isEqualTo("userId");
        JsonObject iterable = json.getJsonArray("destinations").getJsonObject(0);
        assertThat(iterable.getString("destination")).isEqualTo("iterable");
        assertThat(iterable.getJsonObject("lastAnswer").getString("outcome")).as("the newest row").isEqualTo("accepted");
        assertThat(iterable.getJsonObject("lastAnswer").containsKey("reason")).isFalse();
        assertThat(iterable.getValue("lastDeadLetter")).isNull();
        assertThat(iterable.getJsonObject("pending").getValue("replay")).isNull();
        JsonObject blueconic = json.getJsonArray("destinations").getJsonObject(1);
        assertThat(blueconic.getJsonObject("lastDeadLetter").getString("reason")).isEqualTo("forgotten");
        assertThat(blueconic.getJsonObject("lastDelivered").getJsonObject("values").getString("subsetsExperimentId")).isEqualTo("e1");
        assertThat(blueconic.getJsonObject("pending").getJsonObject("parking").getString("parkedAt")).isEqualTo("2026-12-06T10:00:00Z");
        assertThat(blueconic.getJsonObject("pending").getJsonObject("replay").getLong("id")).isEqualTo(7);
    }

    @Test
    void aDestinationWithNothingAnsweredYetSaysSo() {
        SubscriberStory story = new SubscriberStory(SubscriberQuery.parse("acme", "u1", null), List.of("iterable"), List.of());
        story.destination("iterable", Optional.empty(), Optional.empty(), Optional.empty());
        JsonObject iterable = story.toJson().getJsonArray("destinations").getJsonObject(0);
        assertThat(iterable.getValue("lastAnswer")).isNull();
        assertThat(iterable.getValue("lastDelivered")).isNull();
        assertThat(iterable.getJsonObject("pending").fieldNames()).containsExactlyInAnyOrder("parking", "resync", "replay");
    }
}
