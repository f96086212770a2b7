package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A resync's checkpoint and the control plane's bookkeeping, without a broker. */
class ResyncTest {

    private static Resync running(DeliveryControl.ResyncJob job) {
        Resync resync = new Resync(job, 3, 1);
        resync.reader = new ResyncReader(Map.of("bootstrap.servers", "127.0.0.1:1"), "t", 3, job, 10, null, null);
        return resync;
    }

    @Test
    void theCheckpointNeverPassesARecordStillUnresolved() {
        Resync resync = running(new DeliveryControl.ResyncJob(7, "acme", 100, null, null, null, 0, null));
        assertThat(resync.position()).as("nothing read yet: where it starts").isEqualTo(100);
        resync.counted(200, 3);
        resync.taken(110);
        resync.taken(150);
        resync.taken(190);
        resync.readUpTo(200);
        assertThat(resync.position()).isEqualTo(110);
        assertThat(resync.resolved(150)).isTrue();
        assertThat(resync.resolved(150)).as("each record counts once").isFalse();
        assertThat(resync.position()).isEqualTo(110);
        resync.resolved(110);
        assertThat(resync.position()).isEqualTo(190);
        resync.finished = true;
        assertThat(resync.done()).isFalse();
        resync.resolved(190);
        assertThat(resync.done()).isTrue();
        assertThat(resync.progress()).isEqualTo(new DeliveryControl.Progress(200, 200, 3, 3, null, true));
    }

    @Test
    void aResumedResyncStartsFromItsPositionAndKeepsItsCount() {
        Resync resync = running(new DeliveryControl.ResyncJob(7, "acme", 0, 5_000L, 9_000L, 4_000L, 2_500, null));
        assertThat(resync.position()).isEqualTo(5_000);
        resync.counted(9_000, 4_000);
        resync.taken(5_001);
        resync.resolved(5_001);
        assertThat(resync.progress().sent()).isEqualTo(2_501);
        assertThat(resync.changedSinceReport()).isTrue();
        resync.reported(resync.progress());
        assertThat(resync.changedSinceReport()).isFalse();
    }

    @Test
    void staticDestinationsKeepNoParkingsSoTheirLanesNeverPark() {
        assertThat(DeliveryControl.NONE.keepsParkings()).isFalse();
        assertThat(DeliveryControl.NONE.resyncs()).isEmpty();
        assertThat(DeliveryControl.NONE.parked("acme", new DeliveryControl.Parking(2, 40, "down", Instant.EPOCH)).failed()).isTrue();
    }

    @Test
    void theProvisionersParkingsAndResyncsAreReadWholeOrNotAtAll() {
        JsonObject parked = new JsonObject().put("acme", new JsonObject().put("partition", 2).put("fromOffset", 40)
                .put("reason", "down").put("parkedAt", "2026-12-03T08:00:00Z"));
        assertThat(ControlAnswers.parkings(parked)).containsEntry("acme",
                new DeliveryControl.Parking(2, 40, "down", Instant.parse("2026-12-03T08:00:00Z")));
        JsonArray jobs = new JsonArray().add(new JsonObject().put("id", 9).put("tenantId", "acme").put("fromOffset", 0)
                .put("position", 12).put("endOffset", null).put("total", null).put("sent", 3)
                .put("subscribers", new JsonArray().add("acme\u001Fu1\u001F")));
        assertThat(ControlAnswers.resyncs(jobs)).containsExactly(
                new DeliveryControl.ResyncJob(9, "acme", 0, 12L, null, null, 3, Set.of("acme\u001Fu1\u001F")));
        assertThatThrownBy(() -> ControlAnswers.resyncs(new JsonArray().add(new JsonObject().put("id", "nine"))))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> ControlAnswers.parkings(new JsonObject().put("acme", new JsonObject().put("partition", 1))))
                .isInstanceOf(RuntimeException.class);
    }
}
