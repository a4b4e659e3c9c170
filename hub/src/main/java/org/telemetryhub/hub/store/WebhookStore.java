package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.hub.core.Webhook;

/**
 * Webhooks and their deliveries. A delivery is taken by one node at a time: a conditional update moves its
 * {@code next_at} from the value read to the end of the attempt, and only the node whose update took effect sends it.
 */
public final class WebhookStore {

    /** A delivery that is due, with where it goes. */
    public record Delivery(long deliveryId, Webhook webhook, String body, int attempts, long nextAt) {}

    /** A delivery that failed every attempt. */
    public record DeadLetter(long deliveryId, String body, int attempts, String lastError, long failedAt) {}

    private static final String SQL_INSERT =
            "INSERT INTO webhooks (fleet, url, secret, created_at) VALUES (?, ?, ?, ?)";
    private static final String SQL_LIST = "SELECT webhook_id, fleet, url, secret FROM webhooks ORDER BY webhook_id";
    private static final String SQL_FIND = "SELECT webhook_id, fleet, url, secret FROM webhooks WHERE webhook_id = ?";
    private static final String SQL_DELETE = "DELETE FROM webhooks WHERE webhook_id = ?";
    private static final String SQL_DELETE_DELIVERIES = "DELETE FROM webhook_deliveries WHERE webhook_id = ?";
    private static final String SQL_DUE = "SELECT d.delivery_id, w.webhook_id, w.fleet, w.url, w.secret, d.body, "
            + "d.attempts, d.next_at FROM webhook_deliveries d JOIN webhooks w ON w.webhook_id = d.webhook_id "
            + "WHERE d.status = 'pending' AND d.next_at <= ? ORDER BY d.next_at, d.delivery_id LIMIT ?";
    private static final String SQL_TAKE = "UPDATE webhook_deliveries SET next_at = ? "
            + "WHERE delivery_id = ? AND status = 'pending' AND next_at = ?";
    private static final String SQL_DELIVERED = "DELETE FROM webhook_deliveries WHERE delivery_id = ?";
    private static final String SQL_RETRY = "UPDATE webhook_deliveries SET attempts = ?, next_at = ?, "
            + "last_error = ? WHERE delivery_id = ?";
    private static final String SQL_DEAD = "UPDATE webhook_deliveries SET attempts = ?, status = 'dead', "
            + "last_error = ?, failed_at = ? WHERE delivery_id = ?";
    private static final String SQL_DEAD_LETTERS = "SELECT delivery_id, body, attempts, last_error, failed_at "
            + "FROM webhook_deliveries WHERE webhook_id = ? AND status = 'dead' ORDER BY delivery_id DESC LIMIT ?";

    private final Database database;
    private final Jdbc jdbc;

    public WebhookStore(Database database) {
        this.database = database;
        this.jdbc = new Jdbc(database);
    }

    public Webhook create(String namespace, String url, String secret, long now) {
        try (Connection connection = database.connection();
             PreparedStatement insert = connection.prepareStatement(SQL_INSERT, Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, namespace);
            insert.setString(2, url);
            insert.setString(3, secret);
            insert.setLong(4, now);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return new Webhook(keys.getLong(1), namespace, url, secret);
            }
        } catch (SQLException e) {
            throw new StoreException("create webhook", e);
        }
    }

    public List<Webhook> list() {
        return jdbc.query(SQL_LIST, WebhookStore::webhook);
    }

    public Optional<Webhook> find(long webhookId) {
        return jdbc.one(SQL_FIND, WebhookStore::webhook, webhookId);
    }

    /** Deletes a webhook with its pending deliveries and dead letters; false when there is none. */
    public boolean delete(long webhookId) {
        return jdbc.transaction("delete webhook", connection -> {
            Jdbc.update(connection, SQL_DELETE_DELIVERIES, webhookId);
            return Jdbc.update(connection, SQL_DELETE, webhookId) == 1;
        });
    }

    /** Up to {@code limit} deliveries due at {@code now}, the longest waiting first. */
    public List<Delivery> due(long now, int limit) {
        return jdbc.query(SQL_DUE, rs -> new Delivery(rs.getLong(1), new Webhook(rs.getLong(2), rs.getString(3),
                rs.getString(4), rs.getString(5)), rs.getString(6), rs.getInt(7), rs.getLong(8)), now, limit);
    }

    /** Takes a due delivery until {@code until}; false when another node took it first. */
    public boolean take(Delivery delivery, long until) {
        return jdbc.update(SQL_TAKE, until, delivery.deliveryId(), delivery.nextAt()) == 1;
    }

    public void delivered(long deliveryId) {
        jdbc.update(SQL_DELIVERED, deliveryId);
    }

    public void retry(long deliveryId, int attempts, long nextAt, String error) {
        jdbc.update(SQL_RETRY, attempts, nextAt, error, deliveryId);
    }

    public void dead(long deliveryId, int attempts, String error, long at) {
        jdbc.update(SQL_DEAD, attempts, error, at, deliveryId);
    }

    public List<DeadLetter> deadLetters(long webhookId, int limit) {
        return jdbc.query(SQL_DEAD_LETTERS, rs -> new DeadLetter(rs.getLong(1), rs.getString(2), rs.getInt(3),
                rs.getString(4), rs.getLong(5)), webhookId, limit);
    }

    private static Webhook webhook(ResultSet rs) throws SQLException {
        return new Webhook(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
    }
}
