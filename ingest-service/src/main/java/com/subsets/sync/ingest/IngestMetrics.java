package com.subsets.sync.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Every meter the ingest service defines. Requests by route, method and status come from Vert.x's own
 * HTTP server metrics ({@code vertx_http_server_requests_total}).
 */
final class IngestMetrics {

    private final Counter accepted;
    private final Map<ErrorCode, Counter> rejectedRequests = new EnumMap<>(ErrorCode.class);
    private final Map<ErrorCode, Counter> rejectedEvents = new EnumMap<>(ErrorCode.class);
    private final Timer publishedOk;
    private final Timer publishedFailed;

    IngestMetrics(MeterRegistry registry, InFlightBudget budget) {
        accepted = Counter.builder("ingest.events.accepted")
                .description("Events acknowledged by Kafka (acks=all) and answered with 202")
                .register(registry);
        for (ErrorCode code : ErrorCode.values()) {
            rejectedRequests.put(code, Counter.builder("ingest.requests.rejected")
                    .description("Requests refused, by reason (the error code of the response)")
                    .tag("reason", code.code())
                    .register(registry));
            rejectedEvents.put(code, Counter.builder("ingest.events.rejected")
                    .description("Events in refused requests whose events could be counted, by reason")
                    .tag("reason", code.code())
                    .register(registry));
        }
        publishedOk = publishTimer(registry, "acked");
        publishedFailed = publishTimer(registry, "failed");
        Gauge.builder("ingest.in.flight", budget, InFlightBudget::used)
                .description("Bytes of events handed to Kafka and not yet acknowledged")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("ingest.in.flight.limit", budget, InFlightBudget::limit)
                .description("The most bytes that may await Kafka's acknowledgement before requests get 503")
                .baseUnit("bytes")
                .register(registry);
    }

    private static Timer publishTimer(MeterRegistry registry, String outcome) {
        return Timer.builder("ingest.publish.latency")
                .description("From handing a request's events to Kafka until every one is acknowledged, or failed")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void accepted(int events) {
        accepted.increment(events);
    }

    void rejected(ErrorCode code, int events) {
        rejectedRequests.get(code).increment();
        if (events > 0) {
            rejectedEvents.get(code).increment(events);
        }
    }

    void published(long nanos, boolean acked) {
        (acked ? publishedOk : publishedFailed).record(Duration.ofNanos(nanos));
    }
}
