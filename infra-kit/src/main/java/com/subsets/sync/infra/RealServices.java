package com.subsets.sync.infra;

import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that hands tests a real {@link KafkaService} and a real {@link PostgresService}.
 * Each is started at most once per test JVM, on first use, and closed when the JVM's tests are done
 * (from JUnit's root store, never from a shutdown hook: Kafka may halt the JVM there).
 *
 * <p>Which services: system property {@code infra} (Maven: {@code -Dinfra=...}):
 * {@code embedded} (default: in-process KRaft broker, PostgreSQL server binaries), {@code containers}
 * (Testcontainers; fails loudly where no container engine runs), or {@code external} (see
 * {@link ExternalServices}).
 */
public final class RealServices implements ParameterResolver {

    enum Mode {
        EMBEDDED, CONTAINERS, EXTERNAL;

        static Mode current() {
            String value = System.getProperty("infra", "embedded").trim().toUpperCase(Locale.ROOT);
            try {
                return Mode.valueOf(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("-Dinfra must be embedded, containers or external, was " + value);
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaService.class || type == PostgresService.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaService.class) {
            return kafka(context);
        }
        if (type == PostgresService.class) {
            return postgres(context);
        }
        throw new ParameterResolutionException("RealServices cannot supply " + type);
    }

    /** The JVM-wide Kafka, for extensions and helpers that are not handed a parameter. */
    public static KafkaService kafka(ExtensionContext context) {
        return shared(context, KafkaService.class, () -> switch (Mode.current()) {
            case EMBEDDED -> EmbeddedKafka.start();
            case CONTAINERS -> ContainerKafka.start();
            case EXTERNAL -> ExternalServices.kafka(System::getenv);
        });
    }

    public static PostgresService postgres(ExtensionContext context) {
        return shared(context, PostgresService.class, () -> switch (Mode.current()) {
            case EMBEDDED -> EmbeddedPostgres.start();
            case CONTAINERS -> ContainerPostgres.start();
            case EXTERNAL -> ExternalServices.postgres(System::getenv);
        });
    }

    private static <T extends AutoCloseable> T shared(ExtensionContext context, Class<T> type, Supplier<T> start) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(RealServices.class));
        return type.cast(store.getOrComputeIfAbsent(type, key -> new Closing<>(start.get()), Closing.class).service);
    }

    /** Held in the root store, which closes AutoCloseable values after the JVM's last test. */
    private record Closing<T extends AutoCloseable>(T service) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            service.close();
        }
    }
}
