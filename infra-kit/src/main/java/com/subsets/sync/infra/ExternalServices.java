package com.subsets.sync.infra;

import java.net.URI;
import java.util.function.Function;

/**
 * Services someone else runs (-Dinfra=external): Kafka from INFRA_KAFKA_BOOTSTRAP_SERVERS, PostgreSQL
 * from INFRA_POSTGRES_URL ({@code postgresql://user:password@host:port/database}). Closing them does
 * nothing: they are not ours.
 */
final class ExternalServices {

    static final String KAFKA_VARIABLE = "INFRA_KAFKA_BOOTSTRAP_SERVERS";
    static final String POSTGRES_VARIABLE = "INFRA_POSTGRES_URL";

    private ExternalServices() {
    }

    static KafkaService kafka(Function<String, String> env) {
        String servers = required(env, KAFKA_VARIABLE);
        return new KafkaService() {
            @Override
            public String bootstrapServers() {
                return servers;
            }

            @Override
            public void close() {
            }
        };
    }

    static PostgresService postgres(Function<String, String> env) {
        PostgresEndpoint endpoint = parse(required(env, POSTGRES_VARIABLE));
        return new PostgresService() {
            @Override
            public PostgresEndpoint endpoint() {
                return endpoint;
            }

            @Override
            public void close() {
            }
        };
    }

    static PostgresEndpoint parse(String url) {
        URI uri = URI.create(url);
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || uri.getRawUserInfo() == null) {
            throw new IllegalArgumentException(POSTGRES_VARIABLE
                    + " must look like postgresql://user:password@host:port/database");
        }
        String[] user = uri.getUserInfo().split(":", 2);
        String database = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
        return new PostgresEndpoint(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), database, user[0],
                user.length > 1 ? user[1] : "");
    }

    private static String required(Function<String, String> env, String name) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("-Dinfra=external needs the environment variable " + name);
        }
        return value;
    }
}
