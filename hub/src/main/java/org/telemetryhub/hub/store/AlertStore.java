package org.telemetryhub.hub.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.hub.core.StoreException;
import org.telemetryhub.protocol.Wire;

/**
 * Alert rules, alerts and how far each device's readings have been judged. Every change of an alert is one
 * conditional statement, so that two nodes (or a replay after a restart) judging the same reading change it once:
 * the caller learns whether its change took effect, and only then announces it. A change queues its webhook
 * deliveries ({@code {"event","alert"}}, one per webhook of the alert's namespace) in its own transaction.
 */
public final class AlertStore {

    /** An alert after a change, and whether this call made the change (false: someone else made it first). */
    public record Change(Alert alert, boolean changed) {}

    /**
     * A page of {@code GET /api/alerts}: at most {@code limit} alerts with ids below {@code before}, newest first;
     * {@code status} is a status or {@code active}, and null filters match everything ({@code namespaces}: a viewer's,
     * null for an admin).
     */
    public record Query(String status, String namespace, String deviceId, List<String> namespaces, long before,
                        int limit) {}

    private static final String RULE_COLUMNS = "rule_id, name, kind, fleet, device_id, metric, op, threshold, "
            + "clear_threshold, for_ms, severity, since";
    private static final String SQL_RULE_INSERT = "INSERT INTO alert_rules (name, kind, fleet, device_id, metric, op, "
            + "threshold, clear_threshold, for_ms, severity, since) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SQL_RULE_REPLACE = "UPDATE alert_rules SET name = ?, kind = ?, fleet = ?, "
            + "device_id = ?, metric = ?, op = ?, threshold = ?, clear_threshold = ?, for_ms = ?, severity = ?, "
            + "since = ? WHERE rule_id = ?";
    private static final String SQL_RULES = "SELECT " + RULE_COLUMNS + " FROM alert_rules ORDER BY rule_id";
    private static final String SQL_RULE = "SELECT " + RULE_COLUMNS + " FROM alert_rules WHERE rule_id = ?";
    private static final String SQL_RULE_DELETE = "DELETE FROM alert_rules WHERE rule_id = ?";
    private static final String SQL_REVISION = "SELECT revision FROM alert_rules_revision WHERE id = 1";
    private static final String SQL_REVISION_BUMP =
            "UPDATE alert_rules_revision SET revision = revision + 1 WHERE id = 1";

    private static final String ALERT_COLUMNS = "alert_id, rule_id, device_key, device_id, fleet, metric, severity, "
            + "status, reading_value, opened_at, opened_offset, acknowledged_at, acknowledged_by, cleared_at, "
            + "cleared_offset";
    private static final String SQL_ALERT_INSERT = "INSERT INTO alerts (rule_id, device_key, device_id, fleet, "
            + "metric, severity, status, reading_value, opened_at, opened_offset, active_key) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String SQL_ALERT = "SELECT " + ALERT_COLUMNS + " FROM alerts WHERE alert_id = ?";
    private static final String SQL_ALERT_BY_OPENING = "SELECT " + ALERT_COLUMNS + " FROM alerts "
            + "WHERE rule_id = ? AND device_key = ? AND opened_offset = ?";
    private static final String SQL_ALERT_ACTIVE = "SELECT " + ALERT_COLUMNS + " FROM alerts WHERE active_key = ?";
    private static final String SQL_DEVICE_ACTIVE = "SELECT " + ALERT_COLUMNS + " FROM alerts "
            + "WHERE device_key = ? AND active_key IS NOT NULL ORDER BY alert_id";
    private static final String SQL_ACTIVE_COUNT = "SELECT COUNT(*) FROM alerts WHERE active_key IS NOT NULL";
    private static final String SQL_RULE_ACTIVE = "SELECT " + ALERT_COLUMNS + " FROM alerts "
            + "WHERE rule_id = ? AND active_key IS NOT NULL ORDER BY alert_id";
    private static final String SQL_CLEAR = "UPDATE alerts SET status = 'cleared', cleared_at = ?, "
            + "cleared_offset = ?, active_key = NULL WHERE alert_id = ? AND active_key IS NOT NULL";
    private static final String SQL_ACKNOWLEDGE = "UPDATE alerts SET status = 'acknowledged', acknowledged_at = ?, "
            + "acknowledged_by = ? WHERE alert_id = ? AND status = 'open'";

    private static final String SQL_ENQUEUE = "INSERT INTO webhook_deliveries (webhook_id, body, status, attempts, "
            + "next_at) SELECT webhook_id, ?, 'pending', 0, 0 FROM webhooks WHERE fleet = ?";

    private static final String SQL_CHECKPOINTS = "SELECT device_key, offset_no FROM alert_checkpoints";
    private static final String SQL_CHECKPOINT_UPDATE =
            "UPDATE alert_checkpoints SET offset_no = ? WHERE device_key = ?";
    private static final String SQL_CHECKPOINT_INSERT =
            "INSERT INTO alert_checkpoints (device_key, offset_no) VALUES (?, ?)";

    private final Jdbc jdbc;

    public AlertStore(Database database) {
        this.jdbc = new Jdbc(database);
    }

    // --- rules

    /** Stores a new rule and returns it with its id. */
    public AlertRule createRule(AlertRule rule) {
        return jdbc.transaction("create alert rule", connection -> {
            try (PreparedStatement insert = connection.prepareStatement(SQL_RULE_INSERT,
                    Statement.RETURN_GENERATED_KEYS)) {
                bindRule(insert, rule);
                insert.executeUpdate();
                bumpRevision(connection);
                try (ResultSet keys = insert.getGeneratedKeys()) {
                    keys.next();
                    return rule.withId(keys.getLong(1), rule.since());
                }
            }
        });
    }

    /** Replaces a rule's definition; false when there is no such rule. */
    public boolean replaceRule(AlertRule rule) {
        return jdbc.transaction("replace alert rule", connection -> {
            try (PreparedStatement update = connection.prepareStatement(SQL_RULE_REPLACE)) {
                bindRule(update, rule);
                update.setLong(12, rule.ruleId());
                boolean replaced = update.executeUpdate() == 1;
                bumpRevision(connection);
                return replaced;
            }
        });
    }

    /**
     * Deletes a rule and clears its unfinished alerts in the same transaction; empty when there is no such rule,
     * else the alerts it cleared.
     */
    public Optional<List<Alert>> deleteRule(long ruleId, long at) {
        return jdbc.transaction("delete alert rule", connection -> {
            List<Alert> active = alerts(connection, SQL_RULE_ACTIVE, ruleId);
            if (Jdbc.update(connection, SQL_RULE_DELETE, ruleId) == 0) {
                return Optional.<List<Alert>>empty();
            }
            List<Alert> cleared = new ArrayList<>();
            for (Alert alert : active) {
                if (Jdbc.update(connection, SQL_CLEAR, at, null, alert.alertId()) == 1) {
                    Alert done = alerts(connection, SQL_ALERT, alert.alertId()).get(0);
                    enqueue(connection, "cleared", done);
                    cleared.add(done);
                }
            }
            bumpRevision(connection);
            return Optional.of(cleared);
        });
    }

    public List<AlertRule> rules() {
        return jdbc.query(SQL_RULES, AlertStore::rule);
    }

    public Optional<AlertRule> rule(long ruleId) {
        return jdbc.one(SQL_RULE, AlertStore::rule, ruleId);
    }

    /** Grows with every change of a rule on any node. */
    public long rulesRevision() {
        return jdbc.one(SQL_REVISION, rs -> rs.getLong(1)).orElse(0L);
    }

    // --- alerts

    /**
     * Raises an alert unless it exists: the same rule and device already have an unfinished alert, or this reading
     * opened one before. Then that alert is returned, unchanged.
     */
    public Change open(Alert alert) {
        try {
            Alert raised = jdbc.transaction("open alert", connection -> {
                try (PreparedStatement insert = connection.prepareStatement(SQL_ALERT_INSERT,
                        Statement.RETURN_GENERATED_KEYS)) {
                    Jdbc.bind(insert, alert.ruleId(), alert.deviceKey(), alert.deviceId(), alert.namespace(),
                            alert.metric(), alert.severity(), Alert.OPEN, alert.value(), alert.openedAt(),
                            alert.openedOffset(), activeKey(alert.ruleId(), alert.deviceKey()));
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        Alert opened = alerts(connection, SQL_ALERT, keys.getLong(1)).get(0);
                        enqueue(connection, "opened", opened);
                        return opened;
                    }
                }
            });
            return new Change(raised, true);
        } catch (StoreException e) {
            if (!(e.getCause() instanceof SQLException sql) || !JdbcReadingStore.isUniqueViolation(sql)) {
                throw e;
            }
            Alert existing = jdbc.one(SQL_ALERT_BY_OPENING, AlertStore::alert, alert.ruleId(), alert.deviceKey(),
                            alert.openedOffset())
                    .or(() -> jdbc.one(SQL_ALERT_ACTIVE, AlertStore::alert,
                            activeKey(alert.ruleId(), alert.deviceKey())))
                    .orElseThrow(() -> e);
            return new Change(existing, false);
        }
    }

    /** Clears an unfinished alert; {@code offset} is the reading that cleared it (null when its rule went away). */
    public Change clear(long alertId, long at, Long offset) {
        return change("cleared", SQL_CLEAR, alertId, at, offset, alertId);
    }

    /** Acknowledges an open alert; an alert acknowledged or cleared before is returned unchanged. */
    public Optional<Change> acknowledge(long alertId, String by, long at) {
        if (alert(alertId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(change("acknowledged", SQL_ACKNOWLEDGE, alertId, at, by, alertId));
    }

    public Optional<Alert> alert(long alertId) {
        return jdbc.one(SQL_ALERT, AlertStore::alert, alertId);
    }

    /** The open and acknowledged alerts of a device, oldest first. */
    public List<Alert> active(long deviceKey) {
        return jdbc.query(SQL_DEVICE_ACTIVE, AlertStore::alert, deviceKey);
    }

    /** Alerts not cleared yet, open or acknowledged, across the fleet. */
    public long activeCount() {
        return jdbc.one(SQL_ACTIVE_COUNT, rs -> rs.getLong(1)).orElseThrow();
    }

    /** A page of alerts, newest first. Only constant fragments make up the SQL; every value is bound. */
    public List<Alert> query(Query query) {
        StringBuilder sql = new StringBuilder("SELECT " + ALERT_COLUMNS + " FROM alerts WHERE alert_id < ?");
        List<Object> parameters = new ArrayList<>(List.of(query.before()));
        if (query.status() != null) {
            sql.append(query.status().equals("active") ? " AND active_key IS NOT NULL" : " AND status = ?");
            if (!query.status().equals("active")) {
                parameters.add(query.status());
            }
        }
        if (query.namespace() != null) {
            sql.append(" AND fleet = ?");
            parameters.add(query.namespace());
        }
        if (query.deviceId() != null) {
            sql.append(" AND device_id = ?");
            parameters.add(query.deviceId());
        }
        if (query.namespaces() != null) {
            if (query.namespaces().isEmpty()) {
                return List.of();
            }
            sql.append(" AND fleet IN (").append("?, ".repeat(query.namespaces().size() - 1)).append("?)");
            parameters.addAll(query.namespaces());
        }
        sql.append(" ORDER BY alert_id DESC LIMIT ?");
        parameters.add(query.limit());
        return jdbc.query(sql.toString(), AlertStore::alert, parameters.toArray());
    }

    // --- checkpoints

    /** How far each device's readings have been judged, by device key. */
    public Map<Long, Long> checkpoints() {
        Map<Long, Long> checkpoints = new HashMap<>();
        jdbc.query(SQL_CHECKPOINTS, rs -> checkpoints.put(rs.getLong(1), rs.getLong(2)));
        return checkpoints;
    }

    /** Moves the given devices' checkpoints, in one transaction. */
    public void saveCheckpoints(Map<Long, Long> offsets) {
        jdbc.transaction("save alert checkpoints", connection -> {
            try (PreparedStatement update = connection.prepareStatement(SQL_CHECKPOINT_UPDATE);
                 PreparedStatement insert = connection.prepareStatement(SQL_CHECKPOINT_INSERT)) {
                for (Map.Entry<Long, Long> entry : offsets.entrySet()) {
                    Jdbc.bind(update, entry.getValue(), entry.getKey());
                    if (update.executeUpdate() == 0) {
                        Jdbc.bind(insert, entry.getKey(), entry.getValue());
                        insert.executeUpdate();
                    }
                }
                return null;
            }
        });
    }

    /** Runs one conditional update of an alert; when it changed the alert, queues the {@code event}'s deliveries. */
    private Change change(String event, String sql, long alertId, Object... parameters) {
        return jdbc.transaction(event + " alert", connection -> {
            boolean changed = Jdbc.update(connection, sql, parameters) == 1;
            Alert alert = alerts(connection, SQL_ALERT, alertId).get(0);
            if (changed) {
                enqueue(connection, event, alert);
            }
            return new Change(alert, changed);
        });
    }

    private static void enqueue(Connection connection, String event, Alert alert) throws SQLException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("event", event);
        body.put("alert", alert);
        Jdbc.update(connection, SQL_ENQUEUE, Wire.encode(body), alert.namespace());
    }

    private static List<Alert> alerts(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement query = Jdbc.prepare(connection, sql, parameters); ResultSet rs = query.executeQuery()) {
            List<Alert> alerts = new ArrayList<>();
            while (rs.next()) {
                alerts.add(alert(rs));
            }
            return alerts;
        }
    }

    private static void bumpRevision(Connection connection) throws SQLException {
        Jdbc.update(connection, SQL_REVISION_BUMP);
    }

    private static String activeKey(long ruleId, long deviceKey) {
        return ruleId + "/" + deviceKey;
    }

    private static void bindRule(PreparedStatement statement, AlertRule rule) throws SQLException {
        Jdbc.bind(statement, rule.name(), rule.kind(), rule.namespace(), rule.deviceId(), rule.metric(), rule.op(),
                rule.threshold(), rule.clearThreshold(), rule.forMs(), rule.severity(), rule.since());
    }

    private static AlertRule rule(ResultSet rs) throws SQLException {
        return new AlertRule(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getObject(8, Double.class), rs.getObject(9, Double.class),
                rs.getLong(10), rs.getString(11), rs.getLong(12));
    }

    private static Alert alert(ResultSet rs) throws SQLException {
        return new Alert(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, Double.class), rs.getLong(10),
                rs.getLong(11), rs.getObject(12, Long.class), rs.getString(13), rs.getObject(14, Long.class),
                rs.getObject(15, Long.class));
    }
}
