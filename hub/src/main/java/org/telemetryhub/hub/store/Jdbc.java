package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.StoreException;

/** Small helpers for statements with bound parameters only; every SQL text here is a constant. */
final class Jdbc {

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

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

    /** The one number a query on this connection (inside its transaction) answers, such as a COUNT. */
    static long number(Connection connection, String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(connection, sql, parameters);
             ResultSet rs = statement.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreException("query", e);
        }
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
