package org.telemetryhub.hub.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.telemetryhub.hub.alerts.Alerts;
import org.telemetryhub.hub.alerts.InvalidDefinition;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.AlertRule;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.store.AlertStore;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;

/** Alert rules (admins), the alerts they raised, and acknowledging one (admins, and viewers of its namespace). */
public final class AlertRoutes {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1_000;
    private static final Set<String> STATUSES = Set.of("open", "acknowledged", "cleared", "active");

    private final Alerts alerts;
    private final OperatorGate gate;

    public AlertRoutes(Alerts alerts, OperatorGate gate) {
        this.alerts = alerts;
        this.gate = gate;
    }

    public void register(Router router) {
        router.add("POST", "/api/alert-rules", this::createRule);
        router.add("GET", "/api/alert-rules", this::listRules);
        router.add("GET", "/api/alert-rules/{ruleId}", this::getRule);
        router.add("PUT", "/api/alert-rules/{ruleId}", this::replaceRule);
        router.add("DELETE", "/api/alert-rules/{ruleId}", this::deleteRule);
        router.add("GET", "/api/alerts", this::listAlerts);
        router.add("POST", "/api/alerts/{alertId}/ack", this::acknowledge);
    }

    private void createRule(Exchange exchange) {
        gate.requireAdmin(exchange);
        try {
            exchange.json(201, alerts.createRule(exchange.jsonBody()));
        } catch (InvalidDefinition e) {
            throw invalid(e);
        }
    }

    private void listRules(Exchange exchange) {
        gate.requireAdmin(exchange);
        exchange.json(200, Map.of("rules", alerts.rules()));
    }

    private void getRule(Exchange exchange) {
        gate.requireAdmin(exchange);
        long ruleId = ruleId(exchange);
        exchange.json(200, alerts.rule(ruleId).orElseThrow(() -> unknownRule(ruleId)));
    }

    private void replaceRule(Exchange exchange) {
        gate.requireAdmin(exchange);
        long ruleId = ruleId(exchange);
        AlertRule rule;
        try {
            rule = alerts.replaceRule(ruleId, exchange.jsonBody()).orElseThrow(() -> unknownRule(ruleId));
        } catch (InvalidDefinition e) {
            throw invalid(e);
        }
        exchange.json(200, rule);
    }

    private void deleteRule(Exchange exchange) {
        gate.requireAdmin(exchange);
        long ruleId = ruleId(exchange);
        if (!alerts.deleteRule(ruleId)) {
            throw unknownRule(ruleId);
        }
        exchange.noContent();
    }

    /** Newest first; {@code next} is the {@code after} of the following page, null on the last one. */
    private void listAlerts(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        String status = exchange.query("status");
        if (status != null && !STATUSES.contains(status)) {
            throw ApiError.badMessage("status must be one of open, acknowledged, cleared, active, but was \""
                    + Ids.echo(status) + "\"");
        }
        String namespace = optionalId(exchange, "namespace", ErrorCode.INVALID_NAMESPACE);
        String deviceId = optionalId(exchange, "deviceId", ErrorCode.INVALID_DEVICE_ID);
        if (namespace != null && !operator.isAdmin() && !operator.namespaces().contains(namespace)) {
            throw ApiError.forbidden("operator " + operator.username() + " may not see namespace " + namespace);
        }
        int limit = (int) Query.bounded(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        long after = Query.bounded(exchange, "after", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        List<Alert> page = alerts.query(new AlertStore.Query(status, namespace, deviceId,
                operator.isAdmin() ? null : operator.namespaces(), after, limit + 1));
        boolean more = page.size() > limit;
        page = more ? page.subList(0, limit) : page;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("alerts", page);
        answer.put("next", more ? page.get(limit - 1).alertId() : null);
        exchange.json(200, answer);
    }

    private void acknowledge(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        long alertId = Fields.pathId(exchange, "alertId", ErrorCode.UNKNOWN_ALERT);
        Alert alert = alerts.alert(alertId)
                .filter(a -> operator.isAdmin() || operator.namespaces().contains(a.namespace()))
                .orElseThrow(() -> operator.isAdmin()
                        ? new ApiError(404, ErrorCode.UNKNOWN_ALERT, "alert " + alertId + " does not exist")
                        : ApiError.forbidden("operator " + operator.username() + " may not see alert " + alertId));
        Alert acknowledged = alerts.acknowledge(alert, operator.username())
                .orElseThrow(() -> new ApiError(404, ErrorCode.UNKNOWN_ALERT, "alert " + alertId + " does not exist"));
        exchange.json(200, acknowledged);
    }

    private static long ruleId(Exchange exchange) {
        return Fields.pathId(exchange, "ruleId", ErrorCode.UNKNOWN_RULE);
    }

    private static String optionalId(Exchange exchange, String name, ErrorCode code) {
        String raw = exchange.query(name);
        return raw == null ? null : Fields.checkId(name, raw, code);
    }

    private static ApiError unknownRule(long ruleId) {
        return new ApiError(404, ErrorCode.UNKNOWN_RULE, "alert rule " + ruleId + " does not exist");
    }

    private static ApiError invalid(InvalidDefinition e) {
        return new ApiError(400, ErrorCode.INVALID_RULE, e.getMessage());
    }
}
