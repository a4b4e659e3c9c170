package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.Context;

/**
 * Migration 11: a command is found by its number: its id is the number and a random token joined ({@code 41-<token>}), so every
 * lookup and every transition goes through the primary key, and the table loses the unique index on the random id
 * and, on H2, the index its device foreign key had made (the device indexes already lead with {@code device_key};
 * devices are never deleted, only marked, so the key cannot dangle). Each of those indexes was a random write for
 * every command the hub queued. Written in Java because the constraints' names differ between H2 and PostgreSQL.
 * The column that held the id keeps the token; commands stored before keep their old id as their token.
 */
final class CommandsByNumber extends CodedMigration {

    CommandsByNumber() {
        super("11", "commands by number");
    }

    private static final String SQL_CONSTRAINTS = "SELECT constraint_name FROM information_schema.table_constraints "
            + "WHERE UPPER(table_name) = 'COMMANDS' AND table_schema = CURRENT_SCHEMA "
            + "AND constraint_type IN ('UNIQUE', 'FOREIGN KEY')";

    @Override
    public void migrate(Context context) throws SQLException {
        Connection connection = context.getConnection();
        try (Statement statement = connection.createStatement()) {
            for (String constraint : constraints(connection)) {
                statement.execute("ALTER TABLE commands DROP CONSTRAINT "
                        + statement.enquoteIdentifier(constraint, true));
            }
            statement.execute("ALTER TABLE commands RENAME COLUMN command_id TO token");
        }
    }

    private static List<String> constraints(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(SQL_CONSTRAINTS);
             ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
