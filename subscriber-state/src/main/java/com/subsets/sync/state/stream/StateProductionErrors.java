package com.subsets.sync.state.stream;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' production exception handler for the state service ({@code default.production.exception.handler}):
 * logs the refused record's topic and the event it came from, counts it ({@code state_production_failures_total}) and
 * fails, so the transaction aborts and nothing is half-written. Kafka Streams 3.9 offers only CONTINUE (drop the
 * record) or FAIL here, and under exactly-once a refused send aborts the transaction either way; so the records that
 * could be refused for good are dealt with before they are sent ({@link ApplyEvents}: oversized dead letters truncated,
 * failed applications dead-lettered), and this count, alerted on, tells of any other.
 */
public final class StateProductionErrors implements ProductionExceptionHandler {

    /** The config key that hands the service's {@link StateMetrics} to the instance Kafka Streams creates. */
    public static final String METRICS_CONFIG = "subsets.state.metrics";
    private static final Logger LOG = LoggerFactory.getLogger(StateProductionErrors.class);

    private StateMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object given = configs.get(METRICS_CONFIG);
        metrics = given instanceof StateMetrics m ? m : null;
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                                     Exception exception) {
        LOG.error("Kafka refused a record for {} (from {}/{}@{}); the transaction is aborted and the events applied again: {}",
                record.topic(), context.topic(), context.partition(), context.offset(), exception.toString());
        if (metrics != null) {
            metrics.productionFailed(record.topic());
        }
        return ProductionExceptionHandlerResponse.FAIL;
    }
}
