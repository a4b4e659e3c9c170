package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.async.Async;
import com.hivemq.extension.sdk.api.async.TimeoutFallback;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthInput;
import com.hivemq.extension.sdk.api.auth.parameter.SimpleAuthOutput;
import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.packets.connect.ConnackReasonCode;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.protocol.Ids;

/**
 * Every CONNECT to the embedded broker: client id = username = device id, password = a fresh ticket, used up by
 * this connection. Anything else is refused. The ticket check touches the store, so it runs on the authenticator's
 * own threads while the broker's thread moves on.
 */
final class TicketAuthenticator implements SimpleAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(TicketAuthenticator.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(10);

    private final Tickets tickets;
    private final ThreadPoolExecutor checks;

    TicketAuthenticator(Tickets tickets) {
        this.tickets = tickets;
        this.checks = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "mqtt-auth");
            thread.setDaemon(true);
            return thread;
        });
        checks.allowCoreThreadTimeOut(true);
    }

    @Override
    public void onConnect(SimpleAuthInput input, SimpleAuthOutput output) {
        try {
            ConnectPacket connect = input.getConnectPacket();
            String clientId = connect.getClientId();
            if (connect.getUserName().isEmpty() || connect.getPassword().isEmpty()) {
                output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                        "username (the device id) and password (a fresh ticket) are required");
                return;
            }
            if (!clientId.equals(connect.getUserName().get())) {
                output.failAuthentication(ConnackReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
                        "the client id must equal the username (the device id)");
                return;
            }
            String ticket = StandardCharsets.UTF_8.decode(connect.getPassword().get().duplicate()).toString();
            ConnectionInformation connection = input.getConnectionInformation();
            Async<SimpleAuthOutput> async = output.async(CHECK_TIMEOUT, TimeoutFallback.FAILURE,
                    ConnackReasonCode.SERVER_UNAVAILABLE, "the hub could not check the ticket in time");
            checks.execute(() -> {
                try {
                    check(clientId, ticket, connection, async.getOutput());
                } catch (RuntimeException e) {
                    log.error("event=mqtt_auth_failed client={}", Ids.isValid(clientId) ? clientId : "-", e);
                    async.getOutput().failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE,
                            "the hub could not check the ticket");
                } finally {
                    async.resume();
                }
            });
        } catch (RuntimeException e) {
            log.error("event=mqtt_auth_failed", e);
            output.failAuthentication(ConnackReasonCode.SERVER_UNAVAILABLE, "the hub could not check the ticket");
        }
    }

    private void check(String clientId, String ticket, ConnectionInformation connection, SimpleAuthOutput output) {
        String address = connection.getInetAddress().map(InetAddress::getHostAddress).orElse("unknown");
        Tickets.Use use = tickets.connect(ticket, address);
        if (use instanceof Tickets.Use.Granted granted && granted.device().id().equals(clientId)) {
            ConnectionDevice.remember(connection, granted.device());
            output.authenticateSuccessfully();
            log.debug("event=mqtt_authenticated device={}", clientId);
        } else if (use instanceof Tickets.Use.Granted) {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "the ticket belongs to another device");
        } else if (use instanceof Tickets.Use.Throttled) {
            output.failAuthentication(ConnackReasonCode.CONNECTION_RATE_EXCEEDED,
                    "too many failed ticket uses from this address; retry later");
        } else {
            output.failAuthentication(ConnackReasonCode.BAD_USER_NAME_OR_PASSWORD,
                    "the ticket is unknown, expired, already used or revoked; request a new one");
        }
    }
}
