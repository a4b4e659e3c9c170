package org.telemetryhub.hub.ws;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.http.HttpErrors;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.protocol.ErrorCode;

/**
 * {@code /ws/device}: checks the sub-protocol, the connection limits and the ticket before the upgrade, so every
 * refusal is a plain HTTP answer (400, 429, 503 or 401) and no socket opens without a fresh ticket. Keeps the open
 * sockets to ping them and to close them at shutdown.
 */
public final class DeviceEndpoint implements WebSocketNegotiator {

    public static final String PATH = "/ws/device";

    private final Tickets tickets;
    private final IngestPipeline pipeline;
    private final ControlFrames control;
    private final CommandDelivery delivery;
    private final DeviceConnections connections;
    private final int maxPending;
    private final Set<DeviceSocket> sockets = ConcurrentHashMap.newKeySet();

    public DeviceEndpoint(Tickets tickets, IngestPipeline pipeline, ControlFrames control, CommandDelivery delivery,
                          DeviceConnections connections, int maxPending) {
        this.tickets = tickets;
        this.pipeline = pipeline;
        this.control = control;
        this.delivery = delivery;
        this.connections = connections;
        this.maxPending = maxPending;
    }

    @Override
    public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        if (!Subprotocol.negotiate(request, response, callback)) {
            return null;
        }
        String ticket = ticket(request);
        if (ticket == null) {
            HttpErrors.write(response, callback, 401, ErrorCode.UNAUTHORIZED,
                    "a ticket is required as Authorization: Bearer <ticket> or ?ticket=<ticket>");
            return null;
        }
        String address = Request.getRemoteAddr(request);
        DeviceConnections.Slot slot = connections.reserve(address);
        if (slot == null) {
            HttpErrors.write(response, callback, 503, ErrorCode.TOO_MANY_CONNECTIONS,
                    "the hub has reached its limit of connections or of upgrades in progress for this address, "
                            + "or of connections in total; retry later");
            return null;
        }
        Tickets.Use use = tickets.connect(ticket, address);
        if (use instanceof Tickets.Use.Granted granted) {
            DeviceSocket socket = new DeviceSocket(granted.device(), pipeline, control, delivery, connections, slot,
                    maxPending, sockets::remove);
            sockets.add(socket);
            return socket;
        }
        slot.close();
        if (use instanceof Tickets.Use.Throttled throttled) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString((throttled.retryAfterMs() + 999) / 1000));
            HttpErrors.write(response, callback, 429, ErrorCode.RATE_LIMITED,
                    "too many failed ticket uses from this address; retry later");
        } else {
            HttpErrors.write(response, callback, 401, ErrorCode.UNAUTHORIZED,
                    "the ticket is unknown, expired, already used or revoked; request a new one");
        }
        return null;
    }

    /** Keeps every socket alive or cuts it; run a few times per ping interval. */
    public void keepAlive(long intervalMs) {
        long now = System.nanoTime();
        long interval = intervalMs * 1_000_000;
        sockets.forEach(socket -> socket.keepAlive(now, interval));
    }

    public void closeAll() {
        sockets.forEach(DeviceSocket::shutdown);
    }

    private static String ticket(Request request) {
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String value = authorization.substring(7).trim();
            return value.isEmpty() ? null : value;
        }
        String fromQuery = Request.extractQueryParameters(request).getValue("ticket");
        return fromQuery == null || fromQuery.isEmpty() ? null : fromQuery;
    }
}
