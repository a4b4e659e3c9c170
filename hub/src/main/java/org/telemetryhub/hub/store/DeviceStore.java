package org.telemetryhub.hub.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.telemetryhub.hub.core.Credentials;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.Presence;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.protocol.Wire;

/** Provisioned devices: their ids, namespaces, secret hashes, units, reading cursors and presence. */
public final class DeviceStore {

    private static final String COLUMNS = "device_key, device_id, fleet, report_interval_ms";
    private static final String SQL_INSERT = "INSERT INTO devices (device_id, active_id, fleet, secret_hash, "
            + "report_interval_ms, created_at, units) VALUES (?, ?, ?, ?, ?, ?, ?)";
    private static final String SQL_INSERT_CURSOR = "INSERT INTO device_cursors (device_key) VALUES (?)";
    /** A device row with its cursor row, columns named by table as both have {@code device_key}. */
    private static final String WITH_CURSOR = "FROM devices d JOIN device_cursors c ON c.device_key = d.device_key ";
    private static final String SQL_CREDENTIALS = "SELECT d.device_key, d.device_id, d.fleet, d.report_interval_ms, "
            + "d.secret_hash, c.max_seq " + WITH_CURSOR + "WHERE d.active_id = ?";
    private static final String SQL_FIND = "SELECT " + COLUMNS + " FROM devices WHERE active_id = ?";
    private static final String STATE = "SELECT d.device_key, d.device_id, d.fleet, d.report_interval_ms, "
            + "d.presence_state, d.presence_version, d.presence_at, d.units, c.last_offset, c.max_seq, "
            + "c.stored_count, c.rejected_count, c.rejected_max, c.last_seen_at " + WITH_CURSOR;
    private static final String SQL_LIST = STATE + "WHERE d.active_id IS NOT NULL ORDER BY d.fleet, d.device_id";
    private static final String SQL_PAGE = STATE + "WHERE d.active_id > ? ORDER BY d.active_id LIMIT ?";
    private static final String SQL_STATE = STATE + "WHERE d.device_key = ? AND d.active_id IS NOT NULL";
    private static final String SQL_PRESENCE = "UPDATE devices SET presence_state = ?, presence_at = ?, "
            + "presence_version = presence_version + 1 WHERE device_key = ?";
    private static final String SQL_PRESENCE_VERSION = "SELECT presence_version FROM devices WHERE device_key = ?";
    private static final String SQL_PRESENCE_IF = "UPDATE devices SET presence_state = ?, presence_at = ?, "
            + "presence_version = presence_version + 1 WHERE device_key = ? AND presence_version = ? "
            + "AND active_id IS NOT NULL";
    private static final String SQL_UNITS =
            "UPDATE devices SET units = ? WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_ALL_OFFLINE = "UPDATE devices SET presence_state = 'offline', presence_at = ?, "
            + "presence_version = presence_version + 1 WHERE presence_state <> 'offline'";
    private static final String SQL_DELETE =
            "UPDATE devices SET active_id = NULL, deleted_at = ? WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_SECRET =
            "UPDATE devices SET secret_hash = ? WHERE device_key = ? AND active_id IS NOT NULL";
    private static final String SQL_DROP_TICKETS = "DELETE FROM tickets WHERE device_key = ?";

    private static final ObjectReader UNITS_READER = new ObjectMapper()
            .readerFor(new TypeReference<TreeMap<String, String>>() {});

    private final Jdbc jdbc;
    private final ReadingCursor.Live live;

    /** {@code live}: cursors the reading store knows ahead of the {@code devices} rows, which they override. */
    public DeviceStore(Database database, ReadingCursor.Live live) {
        this.jdbc = new Jdbc(database);
        this.live = live;
    }

    /** The device row and its cursor row, in one transaction. */
    public DeviceRef create(String deviceId, String namespace, long reportIntervalMs, Map<String, String> units,
                            String secretHash, long now) throws DeviceExists {
        try {
            long key = jdbc.transaction("create device", connection -> {
                long created;
                try (PreparedStatement insert =
                             connection.prepareStatement(SQL_INSERT, Statement.RETURN_GENERATED_KEYS)) {
                    Jdbc.bind(insert, deviceId, deviceId, namespace, secretHash, reportIntervalMs, now,
                            Wire.encode(units));
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        created = keys.getLong(1);
                    }
                }
                Jdbc.update(connection, SQL_INSERT_CURSOR, created);
                return created;
            });
            return new DeviceRef(key, deviceId, namespace, reportIntervalMs);
        } catch (StoreException e) {
            if (e.getCause() instanceof SQLException sql && JdbcReadingStore.isUniqueViolation(sql)) {
                throw new DeviceExists();
            }
            throw e;
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

    /** Up to {@code limit} provisioned devices with ids after {@code afterId} (null: from the first), by id. */
    public List<DeviceState> page(String afterId, int limit) {
        return jdbc.query(SQL_PAGE, this::state, afterId == null ? "" : afterId, limit);
    }

    /** Where a provisioned device's readings stand (from memory when the reading store is ahead of its row). */
    public Optional<ReadingCursor> cursor(long deviceKey) {
        return live.cursor(deviceKey)
                .or(() -> jdbc.one(JdbcReadingStore.SQL_CURSOR, JdbcReadingStore::readingCursor, deviceKey));
    }

    /** One provisioned device's state; empty once it is deleted. */
    public Optional<DeviceState> state(long deviceKey) {
        return jdbc.one(SQL_STATE, this::state, deviceKey);
    }

    private DeviceState state(ResultSet rs) throws SQLException {
        DeviceRef ref = ref(rs);
        Presence presence = new Presence(rs.getString(5), rs.getLong(6), (Long) rs.getObject(7, Long.class));
        ReadingCursor cursor = live.cursor(ref.key()).orElse(new ReadingCursor(rs.getLong(9), rs.getLong(10),
                rs.getLong(11), rs.getLong(12), rs.getLong(13), (Long) rs.getObject(14, Long.class)));
        return new DeviceState(ref, cursor, presence, units(rs.getString(8)));
    }

    private static Map<String, String> units(String json) {
        try {
            return UNITS_READER.readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored units are not a JSON object of strings", e);
        }
    }

    /** Replaces the device's units; false when it is gone. */
    public boolean replaceUnits(DeviceRef device, Map<String, String> units) {
        return jdbc.update(SQL_UNITS, Wire.encode(units), device.key()) == 1;
    }

    /** Records a presence change and returns its version, one higher than any before it for this device. */
    public long recordPresence(long deviceKey, String state, long at) {
        return jdbc.transaction("record presence", connection -> {
            Jdbc.update(connection, SQL_PRESENCE, state, at, deviceKey);
            return Jdbc.one(connection, SQL_PRESENCE_VERSION, rs -> rs.getLong(1), deviceKey).orElse(0L);
        });
    }

    /**
     * Records a presence change only if the device's presence version is still {@code version}: of nodes that decide
     * the same change at once, exactly one records it. Returns whether this call did.
     */
    public boolean recordPresenceIf(long deviceKey, long version, String state, long at) {
        return jdbc.update(SQL_PRESENCE_IF, state, at, deviceKey, version) == 1;
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
        return jdbc.transaction("update device", connection -> {
            boolean changed = Jdbc.update(connection, sql, value, device.key()) == 1;
            Jdbc.update(connection, SQL_DROP_TICKETS, device.key());
            return changed;
        });
    }

    static DeviceRef ref(ResultSet rs) throws SQLException {
        return new DeviceRef(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4));
    }
}
