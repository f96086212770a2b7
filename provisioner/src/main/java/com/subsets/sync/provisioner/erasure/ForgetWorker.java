package com.subsets.sync.provisioner.erasure;

import com.subsets.sync.provisioner.IterableEndpoints;
import com.subsets.sync.provisioner.core.CredentialSealer;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.store.DestinationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's forget worker: on its own timer, claims due rows of the {@link ForgetQueue} one after the other (at
 * most a few a tick) and calls Iterable's {@code POST {baseUrl}/api/users/forget} for each, with {@code {"userId"}} or
 * {@code {"email"}} as the project identifies users and the destination's Api-Key: 200 → forgotten (the identifier is
 * dropped); 400 or 401 (Iterable's "Invalid parameters", "Invalid API key") → failed with Iterable's {@code msg}; 429,
 * 5xx, another status or no answer → queued again with backoff. Everything is asynchronous: nothing blocks an event loop.
 */
public final class ForgetWorker {

    private static final Logger LOG = LoggerFactory.getLogger(ForgetWorker.class);
    /** Claims a tick makes at most; the project budgets, not this, bound the calls. */
    private static final int CLAIMS_PER_TICK = 10;
    /**
     * Answers other than 200, 400 and 401 (429, 5xx, 403, 404, none) are tried again, but not for ever: the identifier
     * is kept in clear while the forget waits. At most this many attempts (some four days at the hour-long backoff
     * ceiling), then the erasure is failed at Iterable with the last answer, and the identifier dropped.
     */
    static final int MAX_ATTEMPTS = 100;

    /** The worker's settings: its tick, the backoff of a retried call, the vendor timeout. */
    public record Settings(long intervalMillis, long retryBaseMillis, long retryMaxMillis, long timeoutMillis) {
    }

    private final Vertx vertx;
    private final ForgetQueue queue;
    private final DestinationStore destinations;
    private final CredentialSealer sealer;
    private final IterableEndpoints endpoints;
    private final WebClient client;
    private final String replica;
    private final Settings settings;
    private final ErasureMetrics metrics;
    private long timer = -1;
    private Future<Void> running = Future.succeededFuture();
    private boolean passing;

    public ForgetWorker(Vertx vertx, ForgetQueue queue, DestinationStore destinations, CredentialSealer sealer,
                        IterableEndpoints endpoints, WebClient client, String replica, Settings settings, ErasureMetrics metrics) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.queue = queue;
        this.destinations = destinations;
        this.sealer = sealer;
        this.endpoints = endpoints;
        this.client = client;
        this.replica = replica;
        this.settings = settings;
    }

    public void start() {
        timer = vertx.setPeriodic(settings.intervalMillis(), t -> {
            if (!passing) {
                passing = true;
                running = pass(CLAIMS_PER_TICK).eventually(() -> {
                    passing = false;
                    return Future.succeededFuture();
                });
            }
        });
    }

    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        return running;
    }

    /** Claims and calls until nothing is due or {@code left} claims were made. */
    private Future<Void> pass(int left) {
        if (left == 0) {
            return Future.succeededFuture();
        }
        long lease = settings.timeoutMillis() * 2 + 5_000;
        return queue.claim(replica, lease).compose(claim -> {
            if (claim.claimed().isPresent()) {
                return call(claim.claimed().get()).compose(v -> pass(left - 1));
            }
            return claim.deferred() ? pass(left - 1) : Future.succeededFuture();
        }).recover(e -> {
            LOG.warn("forget queue not read: {}", e.toString());
            return Future.succeededFuture();
        });
    }

    private Future<Void> call(ForgetQueue.Claimed row) {
        return destinations.dispatchable(row.tenantId(), DestinationKind.ITERABLE).compose(found -> {
            if (found.isEmpty() || found.get().ready() == null) {
                metrics.refused();
                return queue.refused(row, replica, "no_destination", "the tenant's Iterable destination is deleted or was never READY");
            }
            var ready = found.get().ready();
            JsonObject secret;
            try {
                secret = sealer.open(row.tenantId(), DestinationKind.ITERABLE, ready.settings(), ready.sealed(), ready.binding());
            } catch (RuntimeException e) {
                metrics.retried();
                return queue.retry(row, replica, delay(row.attempt()), "credentials_unavailable",
                        "the destination's credentials cannot be opened: " + e.getClass().getSimpleName());
            }
            String name = "email".equals(ready.settings().getString("identifier")) ? "email" : "userId";
            String url = endpoints.url(ready.settings().getString("region")).resolve("/api/users/forget").toString();
            return client.postAbs(url).putHeader("Api-Key", secret.getString("apiKey")).putHeader("content-type", "application/json")
                    .timeout(settings.timeoutMillis())
                    .sendBuffer(Buffer.buffer(new JsonObject().put(name, row.identifier()).encode()))
                    .transform(ar -> ar.succeeded() ? answered(row, ar.result()) : unanswered(row, ar.cause()));
        });
    }

    private Future<Void> unanswered(ForgetQueue.Claimed row, Throwable cause) {
        return retryOrGiveUp(row, "unreachable", ErasureStatus.scrub(clip(cause.toString()), row.identifier()));
    }

    private Future<Void> answered(ForgetQueue.Claimed row, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            LOG.info("erasure {} of tenant {}: forgotten by Iterable", row.erasureId(), row.tenantId());
            metrics.forgotten();
            return queue.forgotten(row, replica);
        }
        // Iterable's words may name the user: kept without the identifier, and never logged.
        String words = ErasureStatus.scrub(message(response), row.identifier());
        if (status == 400 || status == 401) {
            LOG.warn("erasure {} of tenant {}: Iterable refused the forget ({})", row.erasureId(), row.tenantId(), status);
            metrics.refused();
            return queue.refused(row, replica, "forget_refused_" + status, words);
        }
        return retryOrGiveUp(row, "forget_retry_" + status, words);
    }

    private Future<Void> retryOrGiveUp(ForgetQueue.Claimed row, String reason, String words) {
        if (row.attempt() >= MAX_ATTEMPTS) {
            LOG.warn("erasure {} of tenant {}: Iterable's forget given up after {} attempts ({})", row.erasureId(), row.tenantId(),
                    row.attempt(), reason);
            metrics.refused();
            return queue.refused(row, replica, "forget_gave_up", reason + ": " + words);
        }
        metrics.retried();
        return queue.retry(row, replica, delay(row.attempt()), reason, words);
    }

    /** Iterable's {@code msg} (IterableApiResponse), else the body, at most 1,000 characters; never the request. */
    private static String message(HttpResponse<Buffer> response) {
        String body = response.bodyAsString();
        try {
            String msg = new JsonObject(body).getString("msg");
            return clip(msg != null ? msg : body);
        } catch (RuntimeException e) {
            return clip(body);
        }
    }

    private long delay(int attempt) {
        long delay = settings.retryBaseMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        return Math.min(settings.retryMaxMillis(), delay);
    }

    private static String clip(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= 1000 ? text : text.substring(0, 999) + "…";
    }
}
