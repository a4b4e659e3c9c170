package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.Credentials;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.Presence;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.StoreException;

/** Provisioned devices: their ids, namespaces, secret hashes and reading cursors. */
public final class DeviceStore {

    private static final String COLUMNS = "device_key, device_id, fleet, report_interval_ms";
    private static final String SQL_INSERT = "INSERT INTO devices (device_id, active_id, fleet, secret_hash, "
            + "report_interval_ms, created_at) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SQL_CREDENTIALS =
            "SELECT " + COLUMNS + ", secret_hash, max_seq FROM devices WHERE active_id = ?";
    private static final String SQL_FIND = "SELECT " + COLUMNS + " FROM devices WHERE active_id = ?";
    private static final String STATE = "SELECT " + COLUMNS + ", max_seq, stored_count, last_seen_at, "
            + "presence_state, presence_version, presence_at FROM devices ";
    private static final String SQL_LIST = STATE + "WHERE active_id IS NOT NULL ORDER BY fleet, device_id";
    private static final String SQL_STATE = STATE + "WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_PRESENCE = "UPDATE devices SET presence_state = ?, presence_at = ?, "
            + "presence_version = presence_version + 1 WHERE device_key = ?";
    private static final String SQL_PRESENCE_VERSION = "SELECT presence_version FROM devices WHERE device_key = ?";
    private static final String SQL_ALL_OFFLINE = "UPDATE devices SET presence_state = 'offline', presence_at = ?, "
            + "presence_version = presence_version + 1 WHERE presence_state <> 'offline'";
    private static final String SQL_DELETE =
            "UPDATE devices SET active_id = NULL, deleted_at = ? WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_SECRET =
            "UPDATE devices SET secret_hash = ? WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_DROP_TICKETS = "DELETE FROM tickets WHERE device_key = ?";

    private final Database database;
    private final Jdbc jdbc;
    private final ReadingCursor.Live live;

    /** {@code live}: cursors the reading store knows ahead of the {@code devices} rows, which they override. */
    public DeviceStore(Database database, ReadingCursor.Live live) {
        this.database = database;
        this.jdbc = new Jdbc(database);
        this.live = live;
    }

    public DeviceRef create(String deviceId, String namespace, long reportIntervalMs, String secretHash, long now)
            throws DeviceExists {
        try (Connection connection = database.connection();
             PreparedStatement insert = connection.prepareStatement(SQL_INSERT, Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, deviceId);
            insert.setString(2, deviceId);
            insert.setString(3, namespace);
            insert.setString(4, secretHash);
            insert.setLong(5, reportIntervalMs);
            insert.setLong(6, now);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new DeviceRef(keys.getLong(1), deviceId, namespace, reportIntervalMs);
            }
        } catch (SQLException e) {
            if (JdbcReadingStore.isUniqueViolation(e)) {
                throw new DeviceExists();
            }
            throw new StoreException("create device", e);
        }
    }

    public Optional<DeviceRef> find(String deviceId) {
        return jdbc.one(SQL_FIND, DeviceStore::ref, deviceId);
    }

    public Optional<Credentials> credentials(String deviceId) {
        return jdbc.one(SQL_CREDENTIALS, rs -> {
            DeviceRef ref = ref(rs);
            long lastSeq = live.cursor(ref.key()).map(ReadingCursor::maxSeq).orElse(rs.getLong(6));
            return new Credentials(ref, rs.getString(5), lastSeq);
        }, deviceId);
    }

    public List<DeviceState> list() {
        return jdbc.query(SQL_LIST, this::state);
    }

    /** One provisioned device's state; empty once it is deleted. */
    public Optional<DeviceState> state(long deviceKey) {
        return jdbc.one(SQL_STATE, this::state, deviceKey);
    }

    private DeviceState state(ResultSet rs) throws SQLException {
        DeviceRef ref = ref(rs);
        Presence presence = new Presence(rs.getString(8), rs.getLong(9), (Long) rs.getObject(10, Long.class));
        Optional<ReadingCursor> cursor = live.cursor(ref.key());
        if (cursor.isPresent()) {
            return new DeviceState(ref, cursor.get().maxSeq(), cursor.get().storedCount(), cursor.get().lastSeenAt(),
                    presence);
        }
        return new DeviceState(ref, rs.getLong(5), rs.getLong(6), (Long) rs.getObject(7, Long.class), presence);
    }

    /** Records a presence change and returns its version, one higher than any before it for this device. */
    public long recordPresence(long deviceKey, String state, long at) {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = Jdbc.prepare(connection, SQL_PRESENCE, state, at, deviceKey);
                 PreparedStatement version = Jdbc.prepare(connection, SQL_PRESENCE_VERSION, deviceKey)) {
                update.executeUpdate();
                long next;
                try (ResultSet rs = version.executeQuery()) {
                    next = rs.next() ? rs.getLong(1) : 0;
                }
                connection.commit();
                return next;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("record presence", e);
        }
    }

    /** At start, no device is connected to this hub: every online or stale device becomes offline. */
    public int markAllOffline(long at) {
        return jdbc.update(SQL_ALL_OFFLINE, at);
    }

    /** Deletes the device and its unused tickets in one transaction; false when it was not provisioned. */
    public boolean delete(DeviceRef device, long now) {
        return inTransaction(device, SQL_DELETE, now);
    }

    /** Replaces the secret and drops every ticket issued under the old one; false when the device is gone. */
    public boolean replaceSecret(DeviceRef device, String secretHash) {
        return inTransaction(device, SQL_SECRET, secretHash);
    }

    private boolean inTransaction(DeviceRef device, String sql, Object value) {
        try (Connection connection = database.connection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement update = Jdbc.prepare(connection, sql, value, device.key());
                 PreparedStatement tickets = Jdbc.prepare(connection, SQL_DROP_TICKETS, device.key())) {
                boolean changed = update.executeUpdate() == 1;
                tickets.executeUpdate();
                connection.commit();
                return changed;
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("update device", e);
        }
    }

    static DeviceRef ref(ResultSet rs) throws SQLException {
        return new DeviceRef(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }
}
