package org.telemetryhub.hub.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.alerts.InvalidDefinition;
import org.telemetryhub.hub.alerts.Webhooks;
import org.telemetryhub.hub.store.WebhookStore;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Wire;

/** Webhooks per namespace (admins): made, listed, deleted, and the deliveries that failed every attempt. */
public final class WebhookRoutes {

    static final int DEAD_LETTERS = 100;

    private final Webhooks webhooks;
    private final OperatorGate gate;

    public WebhookRoutes(Webhooks webhooks, OperatorGate gate) {
        this.webhooks = webhooks;
        this.gate = gate;
    }

    public void register(Router router) {
        router.add("POST", "/api/webhooks", this::create);
        router.add("GET", "/api/webhooks", this::list);
        router.add("DELETE", "/api/webhooks/{webhookId}", this::delete);
        router.add("GET", "/api/webhooks/{webhookId}/dead-letters", this::deadLetters);
    }

    private void create(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        String namespace = Fields.id(body, "namespace", ErrorCode.INVALID_NAMESPACE, null);
        try {
            long id = webhooks.create(namespace, Fields.text(body, "url"), Fields.text(body, "secret")).webhookId();
            exchange.json(201, Map.of("webhookId", id));
        } catch (InvalidDefinition e) {
            throw new ApiError(400, ErrorCode.INVALID_WEBHOOK, e.getMessage());
        }
    }

    private void list(Exchange exchange) {
        gate.requireAdmin(exchange);
        exchange.json(200, Map.of("webhooks", webhooks.list()));
    }

    private void delete(Exchange exchange) {
        gate.requireAdmin(exchange);
        long id = webhookId(exchange);
        if (!webhooks.delete(id)) {
            throw unknown(id);
        }
        exchange.noContent();
    }

    /** Newest first: the delivery's id, attempts, last error and when it failed, with the event and alert it held. */
    private void deadLetters(Exchange exchange) {
        gate.requireAdmin(exchange);
        long id = webhookId(exchange);
        List<WebhookStore.DeadLetter> letters = webhooks.deadLetters(id, DEAD_LETTERS).orElseThrow(() -> unknown(id));
        List<Map<String, Object>> answer = letters.stream().map(WebhookRoutes::describe).toList();
        exchange.json(200, Map.of("deadLetters", answer));
    }

    private static Map<String, Object> describe(WebhookStore.DeadLetter letter) {
        JsonNode body;
        try {
            body = Wire.tree(letter.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored delivery is not JSON", e);
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("deliveryId", letter.deliveryId());
        described.put("event", body.get("event"));
        described.put("alert", body.get("alert"));
        described.put("attempts", letter.attempts());
        described.put("lastError", letter.lastError());
        described.put("failedAt", letter.failedAt());
        return described;
    }

    private static long webhookId(Exchange exchange) {
        return Fields.pathId(exchange, "webhookId", ErrorCode.UNKNOWN_WEBHOOK);
    }

    private static ApiError unknown(long id) {
        return new ApiError(404, ErrorCode.UNKNOWN_WEBHOOK, "webhook " + id + " does not exist");
    }
}
