package org.telemetryhub.hub.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.telemetryhub.hub.commands.DeviceStates;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceShadow;
import org.telemetryhub.protocol.Ids;

/**
 * Desired and reported state over HTTP: an admin replaces the desired document with {@code If-Match} on its version,
 * a device (its ticket as bearer) replaces the reported one, and both read the whole state.
 */
public final class StateRoutes {

    private final OperatorGate operators;
    private final DeviceAccess devices;
    private final DeviceGate deviceGate;
    private final DeviceStates states;

    public StateRoutes(OperatorGate operators, DeviceAccess access, DeviceGate deviceGate, DeviceStates states) {
        this.operators = operators;
        this.devices = access;
        this.deviceGate = deviceGate;
        this.states = states;
    }

    public void register(Router router) {
        router.add("GET", "/api/devices/{id}/state", this::read);
        router.add("PUT", "/api/devices/{id}/state/desired", this::desired);
        router.add("PUT", "/api/devices/{id}/state/reported", this::reported);
    }

    private void read(Exchange exchange) {
        DeviceShadow shadow = states.shadow(reader(exchange));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("desired", shadow.desired());
        answer.put("reported", shadow.reported());
        answer.put("delta", shadow.delta());
        answer.put("desiredVersion", shadow.desiredVersion());
        answer.put("reportedVersion", shadow.reportedVersion());
        answer.put("updatedAt", shadow.updatedAt());
        exchange.json(200, answer);
    }

    private void desired(Exchange exchange) {
        DeviceRef device = devices.visible(exchange, operators.requireAdmin(exchange));
        Optional<Long> expected = Optional.ofNullable(exchange.header(HttpHeader.IF_MATCH)).map(StateRoutes::version);
        long version = replaced(states.replaceDesired(device, exchange.jsonBody(), expected));
        exchange.json(200, Map.of("desiredVersion", version));
    }

    private void reported(Exchange exchange) {
        DeviceRef device = deviceGate.require(exchange);
        long version = replaced(states.replaceReported(device, exchange.jsonBody()));
        exchange.json(200, Map.of("reportedVersion", version));
    }

    /** An operator (session or token) who may see the device, or else the device itself with its ticket. */
    private DeviceRef reader(Exchange exchange) {
        try {
            return devices.visible(exchange, operators.require(exchange).operator());
        } catch (ApiError notOperator) {
            if (notOperator.status() != 401 || OperatorGate.bearer(exchange.request()).isEmpty()) {
                throw notOperator;
            }
            return deviceGate.require(exchange);
        }
    }

    private static long version(String ifMatch) {
        String value = ifMatch.trim();
        if (value.length() > 2 && value.startsWith("\"") && value.endsWith("\"")) {
            try {
                long version = Long.parseLong(value.substring(1, value.length() - 1));
                if (version >= 0) {
                    return version;
                }
            } catch (NumberFormatException ignored) {
                // reported below with the rule
            }
        }
        throw ApiError.badMessage("If-Match must be a version in quotes, such as \"3\", but was "
                + Ids.echo(ifMatch));
    }

    private static long replaced(DeviceStates.Outcome outcome) {
        if (outcome instanceof DeviceStates.Outcome.Refused refused) {
            throw new ApiError(switch (refused.code()) {
                case VERSION_CONFLICT -> 412;
                case PRECONDITION_REQUIRED -> 428;
                case BODY_TOO_LARGE -> 413;
                default -> 400;
            }, refused.code(), refused.message());
        }
        return ((DeviceStates.Outcome.Replaced) outcome).version();
    }
}
