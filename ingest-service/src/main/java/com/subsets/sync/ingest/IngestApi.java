package com.subsets.sync.ingest;

import com.subsets.sync.model.AssignmentEvent;
import com.subsets.sync.runtime.OperationsRoutes;
import com.subsets.sync.runtime.TokenAuthenticator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP API: {@code POST /v1/events} (documented in openapi/ingest-api.json) and the operations
 * endpoints. Order of checks on a post: body size, token, content type, JSON, contract, Kafka.
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

    Router router(Vertx vertx, HealthChecks readiness, PrometheusMeterRegistry registry) {
        Router router = Router.router(vertx);
        OperationsRoutes.mount(router, readiness, registry);
        // Vert.x Web reads the body before user handlers; the body limit bounds what an unauthenticated caller costs.
        router.post("/v1/events")
                .handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()))
                .handler(this::authenticate)
                .handler(this::requireJson)
                .handler(this::publish);
        for (ErrorCode code : ErrorCode.values()) {
            router.errorHandler(code.status(), errors::handle);
        }
        return router;
    }

    private void authenticate(RoutingContext ctx) {
        if (authenticator.isAuthorized(ctx.request().getHeader("authorization"))) {
            ctx.next();
        } else {
            ctx.fail(new IngestException(ErrorCode.UNAUTHORIZED, "a valid 'Authorization: Bearer <token>' header is required"));
        }
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
