package com.subsets.sync.infra;

/** How to reach one PostgreSQL database. {@link #toString()} leaves the password out. */
public record PostgresEndpoint(String host, int port, String database, String user, String password) {

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    public PostgresEndpoint withDatabase(String name) {
        return new PostgresEndpoint(host, port, name, user, password);
    }

    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
