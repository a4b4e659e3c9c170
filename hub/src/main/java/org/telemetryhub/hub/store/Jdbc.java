package org.telemetryhub.hub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.protocol.Wire;

/** Small helpers for statements with bound parameters only; every SQL text here is a constant. */
final class Jdbc {

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Statements that commit together. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final String SQL_LOCK_DEVICE = "SELECT device_key FROM devices WHERE device_key = ? FOR UPDATE";

    private final Database database;

    Jdbc(Database database) {
        this.database = database;
    }

    int update(String sql, Object... parameters) {
        try (Connection connection = database.connection();
             PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(sql.substring(0, sql.indexOf(' ')), e);
        }
    }

    <T> List<T> query(String sql, Row<T> row, Object... parameters) {
        try (Connection connection = database.connection();
             PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(row.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("query", e);
        }
    }

    <T> Optional<T> one(String sql, Row<T> row, Object... parameters) {
        List<T> rows = query(sql, row, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    /** The first row a query on this connection (inside its transaction) answers. */
    static <T> Optional<T> one(Connection connection, String sql, Row<T> row, Object... parameters)
            throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() ? Optional.ofNullable(row.map(rs)) : Optional.empty();
        }
    }

    /** An update on this connection, inside its transaction; the rows it changed. */
    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /** The one number a query on this connection (inside its transaction) answers, such as a COUNT. */
    static long number(Connection connection, String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("query", e);
        }
    }

    /** Runs {@code work} in one transaction: committed when it returns, rolled back when it throws. */
    <T> T transaction(String what, Work<T> work) {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(what, e);
        }
    }

    /**
     * Runs {@code work} in a transaction that may be shared with other small ones (see {@link GroupCommit}): for
     * short writes that many callers make at once. Returns once it is committed.
     */
    <T> T grouped(String what, Work<T> work) {
        return database.group().run(what, work);
    }

    /** As {@link #grouped}, without waiting: the answer completes once the work is committed. */
    <T> CompletableFuture<T> groupedLater(String what, Work<T> work) {
        return database.group().submit(what, work);
    }

    /** Locks a device's row for the rest of the transaction: its writers, on any node, take turns. */
    static void lockDevice(Connection connection, long deviceKey) throws SQLException {
        try (PreparedStatement lock = prepare(connection, SQL_LOCK_DEVICE, deviceKey);
             ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("device " + deviceKey + " has no row");
            }
        }
    }

    /** A JSON document the hub stored; null stays null. */
    static JsonNode json(String stored) throws SQLException {
        if (stored == null) {
            return null;
        }
        try {
            return Wire.tree(stored);
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored JSON document does not parse", e);
        }
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        bind(statement, parameters);
        return statement;
    }

    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
