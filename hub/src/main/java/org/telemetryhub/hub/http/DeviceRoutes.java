package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.telemetryhub.hub.auth.DeviceRegistry;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.Units;
import org.telemetryhub.protocol.ErrorCode;

/** Provisioning, listing (whole or by page), showing, revoking and re-keying devices, and their units. */
public final class DeviceRoutes {

    /** A page of {@code GET /api/devices?limit=&after=} holds this many devices unless asked for fewer, and no more. */
    static final int DEFAULT_PAGE = 500;
    static final int MAX_PAGE = 2_000;

    private final DeviceRegistry registry;
    private final OperatorGate gate;
    private final DeviceAccess access;

    public DeviceRoutes(DeviceRegistry registry, OperatorGate gate, DeviceAccess access) {
        this.registry = registry;
        this.gate = gate;
        this.access = access;
    }

    public void register(Router router) {
        router.add("POST", "/api/devices", this::provision);
        router.add("GET", "/api/devices", this::list);
        router.add("GET", "/api/devices/{id}", this::show);
        router.add("DELETE", "/api/devices/{id}", this::revoke);
        router.add("POST", "/api/devices/{id}/secret", this::rotate);
        router.add("PUT", "/api/devices/{id}/units", this::replaceUnits);
    }

    private void provision(Exchange exchange) {
        gate.requireAdmin(exchange);
        JsonNode body = exchange.jsonBody();
        String deviceId = Fields.id(body, "deviceId", ErrorCode.INVALID_DEVICE_ID, null);
        String namespace = Fields.id(body, "namespace", ErrorCode.INVALID_NAMESPACE, "default");
        long interval = Fields.integer(body, "reportIntervalMs", 60_000, 1_000, 86_400_000L);
        Map<String, String> units = units(body);
        try {
            DeviceRegistry.Provisioned provisioned = registry.provision(deviceId, namespace, interval, units);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("deviceId", deviceId);
            answer.put("namespace", namespace);
            answer.put("reportIntervalMs", interval);
            answer.put("units", units);
            answer.put("secret", provisioned.secret());
            exchange.json(201, answer);
        } catch (DeviceExists e) {
            throw new ApiError(409, ErrorCode.DEVICE_EXISTS, "device " + deviceId + " is already provisioned");
        }
    }

    /**
     * Every visible device (by namespace, then id), or with {@code limit} or {@code after} one page of them by id,
     * with {@code next}: the {@code after} of the following page, or null after the last.
     */
    private void list(Exchange exchange) {
        Operator operator = gate.require(exchange).operator();
        Predicate<DeviceState> visible = d -> operator.isAdmin()
                || operator.namespaces().contains(d.ref().namespace());
        String after = exchange.query("after");
        if (exchange.query("limit") == null && after == null) {
            exchange.json(200, Map.of("devices", registry.list().stream().filter(visible).map(this::describe)
                    .toList()));
            return;
        }
        int limit = (int) Query.bounded(exchange, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
        DeviceRegistry.Page page = registry.page(after, limit, visible);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("devices", page.devices().stream().map(this::describe).toList());
        answer.put("next", page.next());
        exchange.json(200, answer);
    }

    private void show(Exchange exchange) {
        DeviceRef device = access.visible(exchange, gate.require(exchange).operator());
        exchange.json(200, describe(registry.state(device).orElseThrow(() -> unknown(device.id()))));
    }

    private void replaceUnits(Exchange exchange) {
        gate.requireAdmin(exchange);
        DeviceRef device = device(exchange);
        JsonNode body = exchange.jsonBody();
        if (!body.has("units")) {
            throw ApiError.badMessage("units must be an object of metric names to unit strings, but was missing");
        }
        if (!registry.replaceUnits(device, units(body))) {
            throw unknown(device.id());
        }
        exchange.json(200, describe(registry.state(device).orElseThrow(() -> unknown(device.id()))));
    }

    /** The body's {@code units}, checked ({} when absent). */
    private static Map<String, String> units(JsonNode body) {
        Map<String, String> units = Fields.strings(body, "units");
        Units.check(units).ifPresent(problem -> {
            throw new ApiError(400, problem.code(), problem.message());
        });
        return units;
    }

    private Map<String, Object> describe(DeviceState state) {
        String presence = state.presence().state();
        ReadingCursor cursor = state.cursor();
        Map<String, Object> device = new LinkedHashMap<>();
        device.put("deviceId", state.ref().id());
        device.put("namespace", state.ref().namespace());
        device.put("reportIntervalMs", state.ref().reportIntervalMs());
        device.put("presence", presence);
        device.put("online", !presence.equals("offline"));
        device.put("presenceVersion", state.presence().version());
        device.put("lastSeenAt", cursor.lastSeenAt());
        device.put("lastSeq", cursor.maxSeq());
        device.put("holes", cursor.holes());
        device.put("rejected", cursor.rejected());
        device.put("units", state.units());
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
