package org.telemetryhub.hub.ws;

import java.time.Clock;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.telemetryhub.hub.auth.LiveSessions;
import org.telemetryhub.hub.http.ApiError;
import org.telemetryhub.hub.http.HttpErrors;
import org.telemetryhub.hub.http.OperatorGate;
import org.telemetryhub.hub.rooms.Rooms;

/**
 * {@code /ws/dashboard}: a browser signs in with its session cookie and must come from an allowed Origin; other
 * clients send a bearer token (and, if they send an Origin, it must be allowed too). Tokens in the URL are not
 * accepted. Every refusal is answered before the upgrade. Each socket lives as long as its session.
 */
public final class DashboardEndpoint implements WebSocketNegotiator {

    public static final String PATH = "/ws/dashboard";

    private final OperatorGate gate;
    private final Rooms rooms;
    private final LiveSessions live;
    private final int framesPerSecond;
    private final Clock clock;
    private final java.util.Set<DashboardSocket> sockets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public DashboardEndpoint(OperatorGate gate, Rooms rooms, LiveSessions live, int framesPerSecond, Clock clock) {
        this.gate = gate;
        this.rooms = rooms;
        this.live = live;
        this.framesPerSecond = framesPerSecond;
        this.clock = clock;
    }

    @Override
    public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        if (!Subprotocol.negotiate(request, response, callback)) {
            return null;
        }
        OperatorGate.Caller caller;
        try {
            caller = gate.require(request, true);
        } catch (ApiError refused) {
            HttpErrors.write(response, callback, refused.status(), refused.code(), refused.getMessage());
            return null;
        }
        DashboardSocket socket = new DashboardSocket(rooms, caller.session(), live, framesPerSecond, clock,
                sockets::remove);
        sockets.add(socket);
        return socket;
    }

    /** Keeps every dashboard socket alive or cuts it; run a few times per ping interval. */
    public void keepAlive(long intervalMs) {
        long now = System.nanoTime();
        sockets.forEach(socket -> socket.keepAlive(now, intervalMs * 1_000_000));
    }
}
