package org.telemetryhub.hub.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.OptionalLong;
import org.telemetryhub.hub.core.DeviceShadow;
import org.telemetryhub.hub.core.StateStore;
import org.telemetryhub.protocol.Wire;

/**
 * Desired and reported documents in {@code device_state}. A write locks the device's row first, so two nodes replacing
 * one device's documents take turns and every version is handed out once.
 */
public final class JdbcStateStore implements StateStore {

    private static final String SQL_FIND = "SELECT desired, desired_version, reported, reported_version, updated_at "
            + "FROM device_state WHERE device_key = ?";
    private static final String SQL_INSERT = "INSERT INTO device_state (desired, desired_version, reported, "
            + "reported_version, updated_at, device_key) VALUES (?, ?, ?, ?, ?, ?)";
    private static final String SQL_UPDATE = "UPDATE device_state SET desired = ?, desired_version = ?, "
            + "reported = ?, reported_version = ?, updated_at = ? WHERE device_key = ?";

    private final Jdbc jdbc;

    public JdbcStateStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public Optional<DeviceShadow> find(long deviceKey) {
        return jdbc.one(SQL_FIND, JdbcStateStore::shadow, deviceKey);
    }

    @Override
    public OptionalLong replaceDesired(long deviceKey, JsonNode desired, long expectedVersion, long now) {
        return jdbc.transaction("replace desired state", connection -> {
            Optional<DeviceShadow> current = locked(connection, deviceKey);
            DeviceShadow before = current.orElse(DeviceShadow.NONE);
            if (before.desiredVersion() != expectedVersion) {
                return OptionalLong.empty();
            }
            long version = expectedVersion + 1;
            write(connection, current.isPresent(), deviceKey, new DeviceShadow(desired, version, before.reported(),
                    before.reportedVersion(), now));
            return OptionalLong.of(version);
        });
    }

    @Override
    public long replaceReported(long deviceKey, JsonNode reported, long now) {
        return jdbc.transaction("replace reported state", connection -> {
            Optional<DeviceShadow> current = locked(connection, deviceKey);
            DeviceShadow before = current.orElse(DeviceShadow.NONE);
            long version = before.reportedVersion() + 1;
            write(connection, current.isPresent(), deviceKey, new DeviceShadow(before.desired(),
                    before.desiredVersion(), reported, version, now));
            return version;
        });
    }

    private static Optional<DeviceShadow> locked(Connection connection, long deviceKey) throws SQLException {
        Jdbc.lockDevice(connection, deviceKey);
        try (PreparedStatement find = Jdbc.prepare(connection, SQL_FIND, deviceKey);
             ResultSet rs = find.executeQuery()) {
            return rs.next() ? Optional.of(shadow(rs)) : Optional.empty();
        }
    }

    private static void write(Connection connection, boolean exists, long deviceKey, DeviceShadow shadow)
            throws SQLException {
        Jdbc.update(connection, exists ? SQL_UPDATE : SQL_INSERT, Wire.encode(shadow.desired()),
                shadow.desiredVersion(), Wire.encode(shadow.reported()), shadow.reportedVersion(), shadow.updatedAt(),
                deviceKey);
    }

    private static DeviceShadow shadow(ResultSet rs) throws SQLException {
        return new DeviceShadow(Jdbc.json(rs.getString(1)), rs.getLong(2), Jdbc.json(rs.getString(3)), rs.getLong(4),
                rs.getLong(5));
    }
}
