package org.telemetryhub.client.link;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.Ticket;

/** Devices on {@code /ws/device}: one WebSocket per ticket, the ticket as a bearer header, sub-protocol hub.v1. */
public record WsTransport(HttpClient http, URI socket) implements Transport {

    /** The sub-protocol a device WebSocket speaks. */
    public static final String SUBPROTOCOL = "hub.v1";

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public CompletableFuture<Link> open(String deviceId, Ticket ticket, LinkListener listener) {
        WsLink link = new WsLink(listener);
        CompletableFuture<WsLink> opening = upgrade(http, socket, ticket.ticket(), link).thenApply(ws -> link);
        return OpenFailure.explained(opening, cause -> refused(deviceId, cause));
    }

    /**
     * Opens a device WebSocket at {@code socket} with {@code ticket} as bearer, offering the sub-protocol, within
     * 10 s, for a listener of the caller's own: for tools and tests that speak the protocol frame by frame.
     */
    public static CompletableFuture<WebSocket> upgrade(HttpClient http, URI socket, String ticket,
                                                       WebSocket.Listener listener) {
        return http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + ticket)
                .subprotocols(SUBPROTOCOL)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(socket, listener);
    }

    private HubException refused(String deviceId, Throwable cause) {
        if (cause instanceof WebSocketHandshakeException handshake) {
            Object body = handshake.getResponse().body();
            return new HubException("the hub refused the WebSocket of device " + deviceId + " with HTTP "
                    + handshake.getResponse().statusCode()
                    + (body instanceof String s && !s.isBlank() ? ": " + s.strip() : ""));
        }
        return new HubException("connecting device " + deviceId + " to " + socket + " failed: "
                + OpenFailure.describe(cause));
    }

    @Override
    public void close() {
        // the HttpClient is shared and owned by the fleet
    }
}
