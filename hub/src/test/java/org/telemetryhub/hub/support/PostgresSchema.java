package org.telemetryhub.hub.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

/**
 * A fresh schema in the PostgreSQL server named by {@code TEST_POSTGRES_URL} (a JDBC URL with user and password;
 * the CI script starts that server and sets it), dropped again on close, so each test class starts on an empty store.
 */
public final class PostgresSchema implements AutoCloseable {

    public static final String URL_VARIABLE = "TEST_POSTGRES_URL";

    private final String serverUrl;
    private final String schema;

    private PostgresSchema(String serverUrl, String schema) {
        this.serverUrl = serverUrl;
        this.schema = schema;
    }

    /** A new schema on the configured server; empty when no server is configured. */
    public static Optional<PostgresSchema> create() {
        String url = System.getenv(URL_VARIABLE);
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        // DDL takes names, which no statement can bind: the driver quotes this one as an identifier (it is made
        // here of letters, digits and underscores, so quoting never changes it)
        String schema = "hub_test_" + UUID.randomUUID().toString().replace("-", "");
        execute(url, "CREATE SCHEMA %s", schema);
        return Optional.of(new PostgresSchema(url, schema));
    }

    public String name() {
        return schema;
    }

    /** The hub's {@code store.url}: the server, with this schema as the connection's current one. */
    public String storeUrl() {
        return serverUrl + (serverUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    public void close() {
        execute(serverUrl, "DROP SCHEMA %s CASCADE", schema);
    }

    /** Runs DDL whose one {@code %s} is the schema's name, quoted by the driver as an identifier. */
    private static void execute(String url, String ddl, String schema) {
        try (Connection connection = DriverManager.getConnection(url);
             Statement statement = connection.createStatement()) {
            statement.execute(String.format(ddl, statement.enquoteIdentifier(schema, false)));
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + URL_VARIABLE + " refused: " + String.format(ddl, schema), e);
        }
    }
}
