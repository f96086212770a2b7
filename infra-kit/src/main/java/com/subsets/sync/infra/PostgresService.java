package com.subsets.sync.infra;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** A real PostgreSQL server. Tests take a database of their own with {@link #createDatabase}. */
public interface PostgresService extends AutoCloseable {

    /** Where the server's administrative database is. */
    PostgresEndpoint endpoint();

    /** Creates a fresh, empty database and returns where it is, so test classes never share state. */
    default PostgresEndpoint createDatabase(String prefix) {
        String name = prefix.replaceAll("[^a-z0-9_]", "_") + "_" + Databases.NEXT.incrementAndGet();
        PostgresEndpoint admin = endpoint();
        try (Connection c = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return admin.withDatabase(name);
    }

    @Override
    void close();

    /** Database name counter, shared by every service in the JVM. */
    final class Databases {
        private static final AtomicInteger NEXT = new AtomicInteger();

        private Databases() {
        }
    }
}
