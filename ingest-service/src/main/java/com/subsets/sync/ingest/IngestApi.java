package com.subsets.sync.ingest;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.runtime.AuthenticateFirst;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP API: {@code POST /v1/events} (documented in openapi/ingest-api.json); the operations endpoints listen
 * on a port of their own. Order of checks on a post: token (from the headers, before any of the body is read),
 * body size, body within the body timeout, content type, JSON, contract, Kafka.
 */
final class IngestApi {

    private final IngestConfig config;
    private final TokenAuthenticator authenticator;
    private final EventBatchParser parser;
    private final EventPublisher publisher;
    private final IngestMetrics metrics;
    private final ErrorResponses errors;

    IngestApi(IngestConfig config, EventPublisher publisher, IngestMetrics metrics) {
        this.config = config;
        this.authenticator = config.callers();
        this.parser = new EventBatchParser(config.maxEventsPerRequest());
        this.publisher = publisher;
        this.metrics = metrics;
        this.errors = new ErrorResponses(metrics, config.retryAfterSeconds());
    }

    Router router(Vertx vertx) {
        Router router = Router.router(vertx);
        // The token first, from the headers: an unauthenticated caller's body is never read (401, connection closed).
        router.post("/v1/events")
                .handler(new AuthenticateFirst(authenticator::isAuthorized, config.http().bodyTimeout(),
                        this::refuse, this::timedOut))
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::requireJson)
                .handler(this::publish);
        for (ErrorCode code : ErrorCode.values()) {
            router.errorHandler(code.status(), errors::handle);
        }
        return router;
    }

    private void refuse(RoutingContext ctx) {
        ctx.fail(new IngestException(ErrorCode.UNAUTHORIZED, "a valid 'Authorization: Bearer <token>' header is required"));
    }

    private void timedOut(RoutingContext ctx) {
        ctx.fail(new IngestException(ErrorCode.REQUEST_TIMEOUT,
                "the request body did not arrive within " + config.http().bodyTimeout().toMillis() + " ms; nothing was published"));
    }

    private void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("content-type");
        String mediaType = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if ("application/json".equals(mediaType)) {
            ctx.next();
        } else {
            ctx.fail(new IngestException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json, was " + (type == null ? "absent" : "'" + type + "'")));
        }
    }

    private void publish(RoutingContext ctx) {
        Buffer body = ctx.body().buffer();
        List<AssignmentEvent> events = parser.parse(body == null ? new byte[0] : body.getBytes());
        publisher.publish(events).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            metrics.accepted(events.size());
            ctx.response()
                    .setStatusCode(202)
                    .putHeader("content-type", "application/json")
                    .end(acceptedBody(events));
        });
    }

    /**
     * {@code {"accepted":n,"eventIds":[...]}}, written directly: building and encoding a JsonObject was a
     * visible share of a single-event request. Event ids passed the contract ({@code [A-Za-z0-9._:-]}),
     * so none needs escaping.
     */
    static String acceptedBody(List<AssignmentEvent> events) {
        StringBuilder json = new StringBuilder(32 + 24 * events.size())
                .append("{\"accepted\":").append(events.size()).append(",\"eventIds\":[");
        for (int i = 0; i < events.size(); i++) {
            json.append(i == 0 ? "\"" : ",\"").append(events.get(i).eventId()).append('"');
        }
        return json.append("]}").toString();
    }
}
