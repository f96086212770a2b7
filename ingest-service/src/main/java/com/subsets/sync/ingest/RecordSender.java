package com.subsets.sync.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Hands each request's records to the Kafka producer on one sender thread, off the event loop
 * ({@code send} may block on metadata while the broker is away), and completes on the caller's
 * context once Kafka acknowledged all of them: one hop each way per request, not per record as
 * vertx-kafka-client's producer does (that per-record hopping capped 500-event batches near 26,000
 * events/s in bench/ingest.sh). One thread keeps each request's records in order.
 */
final class RecordSender {

    private static final long GUARD_MARGIN_MS = 1_000;

    private final Producer<String, byte[]> producer;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ingest-kafka-sender");
        t.setDaemon(true);
        return t;
    });

    RecordSender(Producer<String, byte[]> producer) {
        this.producer = producer;
    }

    /**
     * Sends {@code records} in order; the future completes on the calling context when every one is
     * acknowledged, or fails with the first failure. Records still waiting for the sender thread when
     * {@code timeout} is over are not sent: the caller has given up on them. Kafka fails a sent record
     * by itself (delivery.timeout.ms); a timer on the caller's event loop fails the future
     * {@code timeout + GUARD_MARGIN_MS} after the call whatever happened, should a callback never come.
     * (A timer on the event loop: {@code Future.timeout} on a context-less promise schedules on Netty's
     * global executor thread, a cross-thread hop per request.)
     */
    Future<Void> send(Vertx vertx, List<ProducerRecord<String, byte[]>> records, Duration timeout) {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        Acknowledgements acks = new Acknowledgements(records.size(), vertx.getOrCreateContext());
        long guard = vertx.setTimer(timeout.toMillis() + GUARD_MARGIN_MS, id -> acks.promise.tryFail(new TimeoutException(
                "no acknowledgement within " + (timeout.toMillis() + GUARD_MARGIN_MS) + " ms")));
        acks.promise.future().onComplete(ar -> vertx.cancelTimer(guard));
        try {
            thread.execute(() -> {
                if (System.nanoTime() - deadlineNanos > 0) {
                    acks.settle(records.size(), new TimeoutException("the request's deadline passed before its records were sent"));
                    return;
                }
                for (int i = 0; i < records.size(); i++) {
                    try {
                        producer.send(records.get(i), acks);
                    } catch (RuntimeException e) {
                        // Kafka refused synchronously (metadata timeout, closed producer): the rest is not sent either.
                        acks.settle(records.size() - i, e);
                        return;
                    }
                }
            });
        } catch (RejectedExecutionException closed) {
            acks.settle(records.size(), new IllegalStateException("the Kafka sender is closed"));
        }
        return acks.promise.future();
    }

    /** Sends what is buffered and closes the producer; records already handed over complete or fail first. */
    Future<Void> close(Vertx vertx) {
        Promise<Void> closed = Promise.promise();
        Context context = vertx.getOrCreateContext();
        thread.execute(() -> {
            try {
                producer.flush();
                producer.close();
                context.runOnContext(v -> closed.complete());
            } catch (RuntimeException e) {
                context.runOnContext(v -> closed.fail(e));
            }
        });
        thread.shutdown();
        return closed.future();
    }

    /** Counts a request's acknowledgements down on Kafka's I/O thread and reports once, on the caller's context. */
    private static final class Acknowledgements implements Callback {

        private final AtomicInteger outstanding;
        private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
        private final Context context;
        private final Promise<Void> promise = Promise.promise();

        Acknowledgements(int records, Context context) {
            this.outstanding = new AtomicInteger(records);
            this.context = context;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            settle(1, failure);
        }

        /** {@code records} are done with: acknowledged when {@code failure} is null, else failed or never sent. */
        void settle(int records, Exception failure) {
            if (failure != null) {
                firstFailure.compareAndSet(null, failure);
            }
            if (outstanding.addAndGet(-records) == 0) {
                Exception failed = firstFailure.get();
                context.runOnContext(v -> {
                    if (failed == null) {
                        promise.tryComplete();
                    } else {
                        promise.tryFail(failed);
                    }
                });
            }
        }
    }
}
