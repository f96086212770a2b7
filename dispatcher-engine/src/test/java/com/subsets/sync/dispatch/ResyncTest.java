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

    private final ResyncRows rows = new ResyncRows(1_000, 1_000_000);

    private Resync running(DeliveryControl.ResyncJob job) {
        return new Resync(job, 3, 1, 10, rows, null);
    }

    @Test
    void theCheckpointNeverPassesARecordStillUnresolved() {
        Resync resync = running(new DeliveryControl.ResyncJob(7, "acme", 100, null, null, null, 0, null));
        assertThat(resync.position()).as("nothing read yet: where it starts").isEqualTo(100);
        assertThat(resync.member.start()).isEqualTo(100);
        resync.counted(200);
        assertThat(resync.progress().total()).as("from offsets: the records from its start to its end, at most").isEqualTo(100);
        for (long offset : new long[] {110, 150, 190}) {
            resync.taken(offset, 40);
            resync.member.outstanding().incrementAndGet();
            rows.taken(1, 40);
        }
        resync.readUpTo(250);
        assertThat(resync.position()).isEqualTo(110);
        assertThat(resync.resolved(150)).isTrue();
        assertThat(resync.resolved(150)).as("each record counts once").isFalse();
        assertThat(resync.position()).isEqualTo(110);
        assertThat(resync.progress().sent()).as("150 is above the checkpoint: a resumed run sends it again, counted then")
                .isZero();
        assertThat(rows.records()).isEqualTo(2);
        assertThat(rows.bytes()).isEqualTo(80);
        assertThat(resync.member.outstanding()).hasValue(2);
        resync.resolved(110);
        assertThat(resync.position()).isEqualTo(190);
        assertThat(resync.progress().sent()).isEqualTo(2);
        resync.finished = true;
        assertThat(resync.done()).isFalse();
        resync.resolved(190);
        assertThat(resync.done()).isTrue();
        assertThat(rows.records()).isZero();
        assertThat(resync.progress()).as("done: the total is what was sent, the position its end")
                .isEqualTo(new DeliveryControl.Progress(200, 200, 3, 3, null, true));
    }

    @Test
    void aReplaysTotalIsTheSubscribersItNames() {
        Resync resync = new Resync(new DeliveryControl.ResyncJob(8, "acme", 0, null, null, null, 0, 2L), 3, 1, 10, rows,
                Set.of("a", "b"));
        assertThat(resync.member.keys()).as("the keys read before it starts").containsExactlyInAnyOrder("a", "b");
        resync.counted(5_000);
        assertThat(resync.progress().total()).isEqualTo(2);
    }

    @Test
    void aStoppedResyncGivesBackItsShareOfTheBuffers() {
        Resync resync = running(new DeliveryControl.ResyncJob(7, "acme", 0, null, null, null, 0, null));
        resync.counted(100);
        resync.taken(5, 30);
        resync.taken(6, 50);
        rows.taken(2, 80);
        resync.member.outstanding().addAndGet(2);
        resync.release();
        assertThat(rows.records()).isZero();
        assertThat(rows.bytes()).isZero();
        assertThat(resync.member.outstanding()).hasValue(0);
        assertThat(resync.resolved(5)).as("released rows no longer count").isFalse();
    }

    @Test
    void theResyncsShareIsHalfTheBufferBounds() {
        ResyncRows share = new ResyncRows(100, 10_000);
        share.taken(49, 10);
        assertThat(share.hasRoom()).isTrue();
        share.taken(1, 10);
        assertThat(share.hasRoom()).isFalse();
        share.released(1, 10);
        share.taken(0, 5_000);
        assertThat(share.hasRoom()).as("bytes bound too").isFalse();
    }

    @Test
    void aResumedResyncStartsFromItsPositionAndKeepsItsCount() {
        Resync resync = running(new DeliveryControl.ResyncJob(7, "acme", 0, 5_000L, 9_000L, 4_000L, 2_500, null));
        assertThat(resync.position()).isEqualTo(5_000);
        resync.counted(8_000);
        assertThat(resync.endOffset).as("never before where its first run ended").isEqualTo(9_000);
        resync.taken(5_001, 10);
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
        assertThat(DeliveryControl.NONE.subscribersOf(new DeliveryControl.ResyncJob(9, "acme", 0, null, null, null, 0, 2L)).cause())
                .isInstanceOf(DeliveryControl.ResyncGone.class);
    }

    @Test
    void theProvisionersParkingsAndResyncsAreReadWholeOrNotAtAll() {
        JsonObject parked = new JsonObject().put("acme", new JsonObject().put("partition", 2).put("fromOffset", 40)
                .put("reason", "down").put("parkedAt", "2026-12-03T08:00:00Z"));
        assertThat(ControlAnswers.parkings(parked)).containsEntry("acme",
                new DeliveryControl.Parking(2, 40, "down", Instant.parse("2026-12-03T08:00:00Z")));
        JsonArray jobs = new JsonArray().add(new JsonObject().put("id", 9).put("tenantId", "acme").put("fromOffset", 0)
                .put("position", 12).put("endOffset", null).put("total", null).put("sent", 3)
                .put("subscriberCount", 2))
                .add(new JsonObject().put("id", 10).put("tenantId", "other").put("fromOffset", 5).put("position", null)
                        .put("endOffset", null).put("total", null).put("sent", 0).put("subscriberCount", null));
        assertThat(ControlAnswers.resyncs(jobs)).containsExactly(
                new DeliveryControl.ResyncJob(9, "acme", 0, 12L, null, null, 3, 2L),
                new DeliveryControl.ResyncJob(10, "other", 5, null, null, null, 0, null));
        assertThatThrownBy(() -> ControlAnswers.resyncs(new JsonArray().add(new JsonObject().put("id", "nine"))))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> ControlAnswers.parkings(new JsonObject().put("acme", new JsonObject().put("partition", 1))))
                .isInstanceOf(RuntimeException.class);
    }
}
