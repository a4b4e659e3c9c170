package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.telemetryhub.hub.auth.DeviceRegistry;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.protocol.ErrorCode;

/** Provisioning, listing, revoking and re-keying devices. */
public final class DeviceRoutes {

    private final DeviceRegistry registry;
    private final OperatorGate gate;
    public DeviceRoutes(DeviceRegistry registry, OperatorGate gate) {
        this.registry = registry;
        this.gate = gate;
    }

    public void register(Router router) {
        router.add("POST", "/api/devices", this::provision);
        router.add("GET", "/api/devices", this::list);
        router.add("DELETE", "/api/devices/{id}", this::revoke);
        router.add("POST", "/api/devices/{id}/secret", this::rotate);
    }

    private void provision(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        String deviceId = Fields.id(body, "deviceId", ErrorCode.INVALID_DEVICE_ID, null);
        String namespace = Fields.id(body, "namespace", ErrorCode.INVALID_NAMESPACE, "default");
        long interval = Fields.integer(body, "reportIntervalMs", 60_000, 1_000, 86_400_000L);
        try {
            DeviceRegistry.Provisioned provisioned = registry.provision(deviceId, namespace, interval);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deviceId", deviceId);
            answer.put("namespace", namespace);
            answer.put("reportIntervalMs", interval);
            answer.put("secret", provisioned.secret());
            exchange.json(201, answer);
        } catch (DeviceExists e) {
            throw new ApiError(409, ErrorCode.DEVICE_EXISTS, "device " + deviceId + " is already provisioned");
        }
    }

    private void list(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        List<Map<String, Object>> devices = registry.list().stream()
                .filter(d -> operator.isAdmin() || operator.namespaces().contains(d.ref().namespace()))
                .map(this::describe)
                .toList();
        exchange.json(200, Map.of("devices", devices));
    }

    private Map<String, Object> describe(DeviceState state) {
        String presence = state.presence().state();
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("deviceId", state.ref().id());
        device.put("namespace", state.ref().namespace());
        device.put("reportIntervalMs", state.ref().reportIntervalMs());
        device.put("presence", presence);
        device.put("online", !presence.equals("offline"));
        device.put("presenceVersion", state.presence().version());
        device.put("lastSeenAt", state.lastSeenAt());
        device.put("lastSeq", state.lastSeq());
        device.put("holes", state.holes());
        return device;
    }

    private void revoke(Exchange exchange) {
        gate.requireAdmin(exchange);
        registry.revoke(device(exchange));
        exchange.noContent();
    }

    private void rotate(Exchange exchange) {
        gate.requireAdmin(exchange);
        DeviceRef device = device(exchange);
        String secret = registry.rotateSecret(device).orElseThrow(() -> unknown(device.id()));
        exchange.json(200, Map.of("secret", secret));
    }

    private DeviceRef device(Exchange exchange) {
        String id = Fields.checkId("deviceId", exchange.path("id"), ErrorCode.INVALID_DEVICE_ID);
        return registry.find(id).orElseThrow(() -> unknown(id));
    }

    private static ApiError unknown(String id) {
        return new ApiError(404, ErrorCode.UNKNOWN_DEVICE, "device " + id + " is not provisioned");
    }
}
