package org.telemetryhub.hub.store;

import java.util.Optional;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.TicketStore;

/**
 * Tickets in the shared store, for hub nodes that share it. Using one is a single conditional UPDATE, so two nodes
 * racing on one ticket cannot both win. A device's tickets are dropped in the transaction that deletes it or
 * replaces its secret ({@link DeviceStore}).
 */
public final class JdbcTicketStore implements TicketStore {

    private static final String SQL_INSERT =
            "INSERT INTO tickets (ticket_hash, device_key, expires_at) VALUES (?, ?, ?)";
    private static final String SQL_CONNECT = "UPDATE tickets SET connected_at = ? WHERE ticket_hash = ? "
            + "AND connected_at IS NULL AND http_used = FALSE AND expires_at > ?";
    private static final String SQL_HTTP = "UPDATE tickets SET http_used = TRUE WHERE ticket_hash = ? "
            + "AND connected_at IS NULL AND expires_at > ?";
    private static final String SQL_DEVICE = "SELECT d.device_key, d.device_id, d.fleet, d.report_interval_ms "
            + "FROM tickets t JOIN devices d ON d.device_key = t.device_key "
            + "WHERE t.ticket_hash = ? AND d.active_id IS NOT NULL";
    /** A ticket that opened a connection can never be used again; an HTTP bearer only until it expires. */
    private static final String SQL_PURGE = "DELETE FROM tickets WHERE expires_at <= ? OR connected_at IS NOT NULL";
    private static final String SQL_COUNT = "SELECT COUNT(*) FROM tickets";

    private final Jdbc jdbc;

    public JdbcTicketStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    @Override
    public void insert(String ticketHash, long deviceKey, long expiresAt) {
        jdbc.update(SQL_INSERT, ticketHash, deviceKey, expiresAt);
    }

    /** The device is read before the ticket is marked: once marked, the purge may delete the row at any moment. */
    @Override
    public Optional<DeviceRef> takeForConnection(String ticketHash, long now) {
        return jdbc.one(SQL_DEVICE, DeviceStore::ref, ticketHash)
                .filter(device -> jdbc.update(SQL_CONNECT, now, ticketHash, now) == 1);
    }

    @Override
    public Optional<DeviceRef> useForHttp(String ticketHash, long now) {
        return jdbc.one(SQL_DEVICE, DeviceStore::ref, ticketHash)
                .filter(device -> jdbc.update(SQL_HTTP, ticketHash, now) == 1);
    }

    @Override
    public int purgeUnusable(long now) {
        return jdbc.update(SQL_PURGE, now);
    }

    @Override
    public long count() {
        return jdbc.one(SQL_COUNT, rs -> rs.getLong(1)).orElseThrow();
    }
}
