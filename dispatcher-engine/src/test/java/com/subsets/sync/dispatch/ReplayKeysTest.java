package com.subsets.sync.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A replay's keys are read once, when the queue lets it start, and handed to its resync; a failure is tried again later. */
class ReplayKeysTest {

    private final Map<Long, Promise<Set<String>>> asked = new HashMap<>();
    private final List<Long> calls = new ArrayList<>();
    private final ReplayKeys keys = new ReplayKeys(new DeliveryControl() {
        @Override
        public List<ResyncJob> resyncs() {
            return List.of();
        }

        @Override
        public Optional<Parking> parking(String tenantId) {
            return Optional.empty();
        }

        @Override
        public Map<String, Parking> parkings() {
            return Map.of();
        }

        @Override
        public Future<Void> parked(String tenantId, Parking parking) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> recovered(String tenantId, Parking parking) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> progress(ResyncJob job, Progress progress) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Set<String>> subscribersOf(ResyncJob job) {
            calls.add(job.id());
            return asked.computeIfAbsent(job.id(), id -> Promise.promise()).future();
        }
    });

    private static DeliveryControl.ResyncJob job(long id, Long named) {
        return new DeliveryControl.ResyncJob(id, "acme", 0, null, null, null, 0, named);
    }

    @Test
    void aPassWaitsUntilItsReplaysKeysAreReadOnceThenTheResyncTakesThem() {
        List<DeliveryControl.ResyncJob> failed = new ArrayList<>();
        List<DeliveryControl.ResyncJob> jobs = List.of(job(1, null), job(2, 2L));

        assertThat(keys.read(jobs, failed::add)).as("the replay's keys are being read").isFalse();
        assertThat(keys.read(jobs, failed::add)).isFalse();
        assertThat(calls).as("asked once, whatever the follows meanwhile").containsExactly(2L);
        asked.get(2L).complete(Set.of("a", "b"));

        assertThat(keys.read(jobs, failed::add)).isTrue();
        assertThat(keys.take(job(1, null))).as("a resync of every subscriber names none").isNull();
        assertThat(keys.take(job(2, 2L))).containsExactlyInAnyOrder("a", "b");
        assertThat(keys.take(job(2, 2L))).as("handed over once: the resync holds them, not this").isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void keysThatCouldNotBeReadAreAskedAgainLaterAndOnesNoLongerAskedForAreForgotten() {
        List<DeliveryControl.ResyncJob> failed = new ArrayList<>();
        assertThat(keys.read(List.of(job(3, 5L)), failed::add)).isFalse();
        asked.remove(3L).fail("the provisioner answered 503");
        assertThat(keys.read(List.of(job(3, 5L)), failed::add)).isFalse();
        assertThat(failed).extracting(DeliveryControl.ResyncJob::id).containsExactly(3L);
        assertThat(keys.read(List.of(job(3, 5L)), failed::add)).isFalse();
        assertThat(calls).as("asked again after the failure").containsExactly(3L, 3L);

        keys.retain(List.of());
        asked.get(3L).complete(Set.of("x"));
        assertThat(keys.take(job(3, 5L))).as("no longer asked for: forgotten").isNull();
    }
}
