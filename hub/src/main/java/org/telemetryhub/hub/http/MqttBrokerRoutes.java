package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.mqtt.Topics;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.Ids;

/**
 * {@code POST /api/mqtt/auth} and {@code POST /api/mqtt/acl} in EMQX's HTTP format, so an external broker can
 * enforce the hub's tickets and topic rules. Only the broker may call them ({@code Authorization: Bearer
 * <mqtt.brokerSecret>}). Every decision is 200 {@code {"result":"allow|deny"}}.
 *
 * <p>Auth: a device connects with client id = username = its id and a fresh ticket as password, used up by this
 * connection; the hub's own bridge with the broker username and the secret. ACL: a device publishes and subscribes
 * only under {@code devices/{id}/} while it is provisioned, publishes nothing retained but its presence, and
 * subscribes to no shared subscription; the bridge reads readings, presence, command results and reported states and
 * writes verdicts, commands and state deltas.
 */
public final class MqttBrokerRoutes {

    private static final Logger log = LoggerFactory.getLogger(MqttBrokerRoutes.class);

    private final Tickets tickets;
    private final Function<String, Optional<DeviceRef>> devices;
    private final HubConfig.Mqtt settings;

    public MqttBrokerRoutes(Tickets tickets, Function<String, Optional<DeviceRef>> devices, HubConfig.Mqtt settings) {
        this.tickets = tickets;
        this.devices = devices;
        this.settings = settings;
    }

    public void register(Router router) {
        router.add("POST", "/api/mqtt/auth", this::auth);
        router.add("POST", "/api/mqtt/acl", this::acl);
    }

    private void auth(Exchange exchange) {
        requireBroker(exchange);
        JsonNode body = exchange.jsonBody();
        String clientId = Fields.text(body, "clientid");
        String username = Fields.text(body, "username", "");
        String password = Fields.text(body, "password", "");
        boolean allowed;
        if (isBridge(clientId, username)) {
            allowed = sameSecret(password);
        } else if (!username.equals(clientId) || !Ids.isValid(username) || password.isEmpty()) {
            allowed = false;
        } else {
            String address = Fields.text(body, "peerhost", exchange.address());
            Tickets.Use use = tickets.connect(password, address);
            allowed = use instanceof Tickets.Use.Granted granted && granted.device().id().equals(username);
        }
        if (!allowed) {
            log.warn("event=broker_auth_denied device={}", Ids.isValid(username) ? username : "-");
        }
        answer(exchange, allowed);
    }

    private void acl(Exchange exchange) {
        requireBroker(exchange);
        JsonNode body = exchange.jsonBody();
        String clientId = Fields.text(body, "clientid");
        String username = Fields.text(body, "username", "");
        String topic = Fields.text(body, "topic");
        String action = Fields.text(body, "action");
        if (!action.equals("publish") && !action.equals("subscribe")) {
            throw ApiError.badMessage("action must be \"publish\" or \"subscribe\", but was \"" + Ids.echo(action)
                    + "\"");
        }
        boolean publish = action.equals("publish");
        boolean allowed;
        if (isBridge(clientId, username)) {
            allowed = publish ? Topics.hubPublishes(topic) : Topics.hubSubscribes(topic);
        } else if (!username.equals(clientId) || devices.apply(username).isEmpty()) {
            allowed = false;
        } else {
            allowed = publish ? Topics.mayPublish(username, topic, retain(body), true)
                    : Topics.maySubscribe(username, topic);
        }
        answer(exchange, allowed);
    }

    private boolean isBridge(String clientId, String username) {
        return username.equals(settings.brokerUsername()) && clientId.startsWith("hub-");
    }

    private void requireBroker(Exchange exchange) {
        Optional<String> bearer = OperatorGate.bearer(exchange.request());
        if (bearer.isEmpty() || !sameSecret(bearer.get())) {
            throw new ApiError(401, ErrorCode.UNAUTHORIZED,
                    "only the MQTT broker may call this, with Authorization: Bearer <mqtt.brokerSecret>");
        }
    }

    private boolean sameSecret(String candidate) {
        return settings.brokerSecret().map(secret -> MessageDigest.isEqual(
                secret.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8))).orElse(false);
    }

    /** EMQX sends {@code retain} as a boolean, or as text when its body template quotes the placeholder. */
    private static boolean retain(JsonNode body) {
        JsonNode value = body.get("retain");
        if (value == null) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
            return value.asText().equals("true");
        }
        throw ApiError.badMessage("retain must be true or false, but was " + Ids.echo(value.toString()));
    }

    private static void answer(Exchange exchange, boolean allowed) {
        exchange.json(200, Map.of("result", allowed ? "allow" : "deny"));
    }
}
