package org.telemetryhub.hub.ws;

import java.util.List;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.telemetryhub.hub.http.HttpErrors;
import org.telemetryhub.protocol.ErrorCode;

/** The one sub-protocol both WebSocket endpoints speak: echoed when offered, and an offer without it is refused. */
final class Subprotocol {

    static final String NAME = "hub.v1";

    private Subprotocol() {}

    /** Accepts the offer (if any); false after answering 400 when the offer holds nothing the hub speaks. */
    static boolean negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response, Callback callback) {
        List<String> offered = request.getSubProtocols();
        if (offered.isEmpty()) {
            return true;
        }
        if (!offered.contains(NAME)) {
            HttpErrors.write(response, callback, 400, ErrorCode.BAD_MESSAGE,
                    "Sec-WebSocket-Protocol must offer " + NAME + ", but offered none the hub speaks");
            return false;
        }
        response.setAcceptedSubProtocol(NAME);
        return true;
    }
}
