package com.subsets.sync.provisioner.notifications;

import com.subsets.sync.dispatch.core.Backoff;
import com.subsets.sync.provisioner.core.DestinationKind;
import com.subsets.sync.provisioner.core.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every replica's sender: claims due deliveries from the outbox (a claim keeps the other replicas off them), sends
 * each by e-mail or webhook, and records every attempt; a failure is retried with backoff until the notice is
 * {@code giveUpAfter} old, then given up. It runs on its own timer and clients, apart from provisioning and delivery.
 */
public final class NotificationSender {

    private static final Logger LOG = LoggerFactory.getLogger(NotificationSender.class);
    private static final int BATCH = 20;

    private final Vertx vertx;
    private final NotificationStore store;
    private final WebhookSecrets secrets;
    private final NotificationConfig config;
    private final String replica;
    private final NotificationMetrics metrics;
    private final Backoff backoff;
    private final WebClient webhooks;
    private final MailClient mail;
    private long timer = -1;
    private long gaugeTimer = -1;
    private Future<Void> running = Future.succeededFuture();
    private boolean passing;

    public NotificationSender(Vertx vertx, NotificationStore store, WebhookSecrets secrets, NotificationConfig config, String replica,
                              NotificationMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.secrets = secrets;
        this.config = config;
        this.replica = replica;
        this.metrics = metrics;
        this.backoff = new Backoff(config.retryBase(), config.retryMax(), config.giveUpAfter(),
                () -> 0.5 + ThreadLocalRandom.current().nextDouble() / 2);
        // Never follow a redirect: a receiver's 3xx is a failed attempt with its status.
        this.webhooks = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setKeepAlive(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis())).setUserAgent("subsets-sync-provisioner"));
        this.mail = config.smtp() == null ? null : MailClient.create(vertx, mailConfig(config.smtp(), config.timeout().toMillis()));
    }

    static MailConfig mailConfig(NotificationConfig.Smtp smtp, long timeoutMillis) {
        MailConfig mail = new MailConfig().setHostname(smtp.host()).setPort(smtp.port())
                .setStarttls(switch (smtp.startTls()) {
                    case "disabled" -> StartTLSOptions.DISABLED;
                    case "optional" -> StartTLSOptions.OPTIONAL;
                    default -> StartTLSOptions.REQUIRED;
                })
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .setKeepAlive(false);
        if (smtp.username() != null) {
            mail.setLogin(LoginOption.REQUIRED).setUsername(smtp.username()).setPassword(smtp.password());
        } else {
            mail.setLogin(LoginOption.DISABLED);
        }
        return mail;
    }

    public void start() {
        timer = vertx.setPeriodic(config.interval().toMillis(), t -> pass());
        gaugeTimer = vertx.setPeriodic(1, 15_000, t -> store.pending().onSuccess(metrics::pending));
    }

    /** Stops claiming; what is being sent finishes (or its claim runs out and another replica sends it). */
    public Future<Void> stop() {
        vertx.cancelTimer(timer);
        vertx.cancelTimer(gaugeTimer);
        return running.eventually(() -> {
            webhooks.close();
            return mail == null ? Future.succeededFuture() : mail.close();
        });
    }

    /** One pass: claim what is due and send it; a pass still running when the timer fires again is not doubled. */
    public Future<Void> pass() {
        if (passing) {
            return running;
        }
        passing = true;
        long lease = 2 * config.timeout().toMillis() + 30_000;
        running = store.claim(replica, lease, BATCH)
                .compose(claimed -> Future.join(claimed.stream().map(this::deliver).toList()).<Void>mapEmpty())
                .recover(e -> {
                    LOG.warn("notification pass failed, next in {} ms: {}", config.interval().toMillis(), e.toString());
                    return Future.succeededFuture();
                })
                .eventually(() -> {
                    passing = false;
                    return Future.succeededFuture();
                });
        return running;
    }

    private record Result(NotificationStore.Outcome outcome, Integer status, String error) {
    }

    private Future<Void> deliver(NotificationStore.Claimed claimed) {
        Future<Result> sent;
        try {
            sent = send(claimed);
        } catch (RuntimeException e) {
            sent = Future.failedFuture(e);
        }
        return sent.recover(e -> Future.succeededFuture(new Result(NotificationStore.Outcome.RETRY, null, describe(e))))
                .compose(result -> settle(claimed, result))
                .recover(e -> {
                    LOG.warn("notice {} ({}) for tenant {}: recording the attempt failed, it is tried again once its claim "
                            + "runs out: {}", claimed.notice().id(), claimed.channel(), claimed.notice().tenantId(), e.toString());
                    return Future.succeededFuture();
                });
    }

    private Future<Result> send(NotificationStore.Claimed claimed) {
        NotificationStore.Stored settings = claimed.settings();
        if (claimed.channel().equals("email")) {
            if (settings == null || settings.emails().isEmpty()) {
                return dropped("no e-mail addresses any more");
            }
            if (mail == null) {
                return dropped("no SMTP relay configured (PROVISIONER_SMTP_HOST)");
            }
            return sendMail(claimed.notice(), settings.emails());
        }
        if (settings == null || settings.webhookUrl() == null) {
            return dropped("no webhook any more");
        }
        String secret;
        try {
            secret = secrets.open(claimed.notice().tenantId(), DestinationKind.of(claimed.notice().destination()).orElseThrow(),
                    settings.webhookUrl(), settings.webhookSecret());
        } catch (SecretBox.SealException e) {
            return Future.succeededFuture(new Result(NotificationStore.Outcome.RETRY, null, "webhook secret: " + e.getMessage()));
        }
        return sendWebhook(claimed.notice(), settings.webhookUrl(), secret);
    }

    private static Future<Result> dropped(String why) {
        return Future.succeededFuture(new Result(NotificationStore.Outcome.DROPPED, null, why));
    }

    private Future<Result> sendMail(Notice notice, List<String> to) {
        MailMessage message = new MailMessage().setFrom(config.smtp().from()).setTo(to).setSubject(notice.subject())
                .setText(notice.text());
        message.addHeader("X-Subsets-Notice-Id", notice.id());
        return mail.sendMail(message).map(r -> new Result(NotificationStore.Outcome.SENT, null, null));
    }

    private Future<Result> sendWebhook(Notice notice, String url, String secret) {
        String body = notice.webhookBody().encode();
        String signature = WebhookSignature.header(secret, Instant.now().getEpochSecond(), body);
        return webhooks.postAbs(url)
                .timeout(config.timeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader(WebhookSignature.HEADER, signature)
                .putHeader("Subsets-Event-Id", notice.id())
                .putHeader("Subsets-Event-Type", notice.type().wireName())
                .sendBuffer(Buffer.buffer(body))
                .map(response -> response.statusCode() / 100 == 2
                        ? new Result(NotificationStore.Outcome.SENT, response.statusCode(), null)
                        : new Result(NotificationStore.Outcome.RETRY, response.statusCode(), "the receiver answered "
                        + response.statusCode()));
    }

    /** A failure's outcome: retried with backoff while the notice is younger than the give-up time, else given up. */
    private Future<Void> settle(NotificationStore.Claimed claimed, Result result) {
        NotificationStore.Outcome outcome = result.outcome();
        OffsetDateTime next = null;
        if (outcome == NotificationStore.Outcome.RETRY) {
            long now = System.currentTimeMillis();
            long delay = backoff.delayMillis(claimed.attempt());
            if (backoff.mayRetry(claimed.notice().occurredAt().toEpochMilli(), now + delay)) {
                next = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now + delay), ZoneOffset.UTC);
                LOG.info("notice {} ({} {}) for tenant {} {}: attempt {} failed, next at {}: {}", claimed.notice().id(),
                        claimed.notice().type().wireName(), claimed.channel(), claimed.notice().tenantId(),
                        claimed.notice().destination(), claimed.attempt(), next, result.error());
            } else {
                outcome = NotificationStore.Outcome.FAILED;
                LOG.warn("notice {} ({} {}) for tenant {} {} given up after {} attempts: {}", claimed.notice().id(),
                        claimed.notice().type().wireName(), claimed.channel(), claimed.notice().tenantId(),
                        claimed.notice().destination(), claimed.attempt(), result.error());
            }
        }
        metrics.attempt(claimed.channel(), outcome);
        return store.record(claimed, replica, outcome, result.status(), result.error(), next);
    }

    /** An error's kind and message: a connection refused, a timeout, the SMTP server's reply. Never a secret. */
    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
        return text.length() > 1000 ? text.substring(0, 1000) : text;
    }
}
