package org.telemetryhub.hub.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.CommandStore;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.Wire;

/**
 * Commands in the {@code commands} table, on H2 or PostgreSQL. Each change is a small transaction that commits
 * together with the others made at the same moment (a thousand devices answering a second cost a few commits, not a
 * thousand) and reads the changed command back before the commit.
 */
public final class JdbcCommandStore implements CommandStore {

    private static final String COMMAND_COLUMNS = "c.command_no, c.token, c.name, c.args, c.status, c.ok, c.result, "
            + "c.created_at, c.expires_at, c.delivered_at, c.finished_at";
    private static final String COLUMNS = "SELECT d.device_key, d.device_id, d.fleet, d.report_interval_ms, "
            + COMMAND_COLUMNS + " FROM commands c JOIN devices d ON d.device_key = c.device_key ";
    // finished_at IS NULL exactly while a command is unfinished: with the device it is the unfinished index's prefix
    private static final String OF_DEVICE_UNFINISHED =
            "c.device_key = ? AND c.finished_at IS NULL AND c.expires_at > ?";
    // H2's planner, going by statistics that cannot tell it how few commands are unfinished, reads a device's
    // unfinished commands through the expiry index or the device's whole history (measured: the hub then slowed
    // down as commands piled up, which piled them up further); PostgreSQL's needs no hint
    private static final String UNFINISHED_ON_H2 = " USE INDEX (commands_unfinished)";
    private static final String SQL_INSERT = "INSERT INTO commands (token, device_key, name, args, status, "
            + "created_at, expires_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)";
    // a command is found by its number; its token proves the id was handed out
    private static final String SQL_FIND = COLUMNS + "WHERE c.command_no = ? AND c.token = ?";
    private static final String SQL_NUMBERED = COLUMNS + "WHERE c.command_no = ?";
    private static final String SQL_LIST = COLUMNS + "WHERE c.device_key = ? AND c.command_no > ? "
            + "ORDER BY c.command_no LIMIT ?";
    private static final String SQL_LIST_STATUS = COLUMNS + "WHERE c.device_key = ? AND c.command_no > ? "
            + "AND c.status = ? ORDER BY c.command_no LIMIT ?";
    private static final String SQL_DELIVERED = "UPDATE commands SET status = 'delivered', delivered_at = ? "
            + "WHERE command_no = ? AND token = ? AND status = 'queued'";
    // a result proves delivery: one that overtook the delivered mark fills in deliveredAt
    private static final String SQL_FINISH = "UPDATE commands SET status = ?, ok = ?, result = ?, finished_at = ?, "
            + "delivered_at = COALESCE(delivered_at, ?) WHERE command_no = ? AND token = ? AND device_key = ? "
            + "AND status IN ('queued', 'delivered') AND expires_at > ?";
    private static final String SQL_CANCEL = "UPDATE commands SET status = 'cancelled', finished_at = ? "
            + "WHERE command_no = ? AND token = ? AND device_key = ? AND status IN ('queued', 'delivered')";
    private static final String SQL_DUE = COLUMNS + "WHERE c.finished_at IS NULL AND c.expires_at <= ? "
            + "ORDER BY c.expires_at LIMIT ?";
    private static final String SQL_EXPIRE = "UPDATE commands SET status = 'expired', finished_at = ? "
            + "WHERE command_no = ? AND status IN ('queued', 'delivered')";

    private final Jdbc jdbc;
    /** Other nodes may insert too (PostgreSQL): an insert then holds its device's lock while it counts the queue. */
    private final boolean shared;
    private final String sqlCountUnfinished;
    /** Read on every change of a device's commands: its device is known, so no join. */
    private final String sqlWindow;

    public JdbcCommandStore(Database database) {
        this.jdbc = new Jdbc(database);
        this.shared = !database.isH2();
        String unfinished = "FROM commands c" + (shared ? "" : UNFINISHED_ON_H2) + " WHERE " + OF_DEVICE_UNFINISHED;
        this.sqlCountUnfinished = "SELECT COUNT(*) " + unfinished;
        this.sqlWindow = "SELECT " + COMMAND_COLUMNS + " " + unfinished + " ORDER BY c.command_no LIMIT ?";
    }

    @Override
    public Optional<Command> insert(Command command, int maxUnfinished, long now) {
        return jdbc.grouped("insert command", connection -> insert(connection, command, maxUnfinished, now));
    }

    /** Inserts within the group commit, whose one thread is all that inserts into an H2 store. */
    private Optional<Command> insert(Connection connection, Command command, int maxUnfinished, long now)
            throws SQLException {
        long deviceKey = command.device().key();
        if (shared) {
            Jdbc.lockDevice(connection, deviceKey);
        }
        try (PreparedStatement count = Jdbc.prepare(connection, sqlCountUnfinished, deviceKey, now);
             ResultSet rs = count.executeQuery()) {
            rs.next();
            if (rs.getLong(1) >= maxUnfinished) {
                return Optional.empty();
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(SQL_INSERT, new String[] {"command_no"})) {
            Jdbc.bind(insert, command.commandId(), deviceKey, command.name(), Wire.encode(command.args()),
                    command.createdAt(), command.expiresAt());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("the insert of a command for device " + command.device().id()
                            + " gave no number");
                }
                return Optional.of(command.numbered(keys.getLong(1)));
            }
        }
    }

    @Override
    public Optional<Command> find(String commandId) {
        return Command.key(commandId).flatMap(key -> jdbc.one(SQL_FIND, JdbcCommandStore::command, key.number(),
                key.token()));
    }

    @Override
    public List<Command> list(long deviceKey, Optional<Command.Status> status, long afterNumber, int limit) {
        return status.isPresent()
                ? jdbc.query(SQL_LIST_STATUS, JdbcCommandStore::command, deviceKey, afterNumber,
                        status.get().wire(), limit)
                : jdbc.query(SQL_LIST, JdbcCommandStore::command, deviceKey, afterNumber, limit);
    }

    @Override
    public List<Command> window(DeviceRef device, long now, int limit) {
        return jdbc.query(sqlWindow, rs -> command(device, rs, 0), device.key(), now, limit);
    }

    @Override
    public CompletableFuture<Optional<Command>> delivered(String commandId, long now) {
        Optional<Command.Key> key = Command.key(commandId);
        return key.isEmpty() ? CompletableFuture.completedFuture(Optional.empty())
                : jdbc.groupedLater("mark command delivered", move(key.get().number(), SQL_DELIVERED, now,
                        key.get().number(), key.get().token()));
    }

    @Override
    public Optional<Command> finish(long deviceKey, String commandId, boolean ok, JsonNode result, long now) {
        String status = (ok ? Command.Status.SUCCEEDED : Command.Status.FAILED).wire();
        String stored = result == null ? null : Wire.encode(result);
        return Command.key(commandId).flatMap(key -> moved("finish command", key.number(), SQL_FINISH, status, ok,
                stored, now, now, key.number(), key.token(), deviceKey, now));
    }

    @Override
    public Optional<Command> cancel(long deviceKey, String commandId, long now) {
        return Command.key(commandId).flatMap(key -> moved("cancel command", key.number(), SQL_CANCEL, now,
                key.number(), key.token(), deviceKey));
    }

    @Override
    public List<Command> expire(long now, int limit) {
        List<Command> expired = new ArrayList<>();
        for (Command due : jdbc.query(SQL_DUE, JdbcCommandStore::command, now, limit)) {
            moved("expire command", due.number(), SQL_EXPIRE, due.expiresAt(), due.number())
                    .ifPresent(expired::add);
        }
        return expired;
    }

    /** Runs one conditional update; the command as it then is when it moved, empty when it had moved on. */
    private Optional<Command> moved(String what, long number, String sql, Object... parameters) {
        return jdbc.grouped(what, move(number, sql, parameters));
    }

    private static Jdbc.Work<Optional<Command>> move(long number, String sql, Object... parameters) {
        return connection -> {
            if (Jdbc.update(connection, sql, parameters) != 1) {
                return Optional.empty();
            }
            return Jdbc.one(connection, SQL_NUMBERED, JdbcCommandStore::command, number);
        };
    }

    private static Command command(ResultSet rs) throws SQLException {
        return command(DeviceStore.ref(rs), rs, 4);
    }

    /** The command whose columns ({@link #COMMAND_COLUMNS}) follow column {@code before}. */
    private static Command command(DeviceRef device, ResultSet rs, int before) throws SQLException {
        long number = rs.getLong(before + 1);
        boolean ok = rs.getBoolean(before + 6);
        Boolean answered = rs.wasNull() ? null : ok;
        return new Command(number, device, Command.id(number, rs.getString(before + 2)), rs.getString(before + 3),
                Jdbc.json(rs.getString(before + 4)), Command.Status.ofWire(rs.getString(before + 5)), answered,
                Jdbc.json(rs.getString(before + 7)), rs.getLong(before + 8), rs.getLong(before + 9),
                nullableLong(rs, before + 10), nullableLong(rs, before + 11));
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
