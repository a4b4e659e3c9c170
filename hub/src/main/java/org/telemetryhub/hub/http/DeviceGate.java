package org.telemetryhub.hub.http;

import java.util.Optional;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.protocol.ErrorCode;

/**
 * A device calling over HTTP: its ticket as {@code Authorization: Bearer}, good for the device in the path only. An
 * unknown, expired or used-up ticket is 401 (this wins over 403); another device's valid ticket is 403.
 */
public final class DeviceGate {

    private final Tickets tickets;

    public DeviceGate(Tickets tickets) {
        this.tickets = tickets;
    }

    public DeviceRef require(Exchange exchange) {
        Optional<String> ticket = OperatorGate.bearer(exchange.request());
        if (ticket.isEmpty()) {
            throw new ApiError(401, ErrorCode.UNAUTHORIZED, "a ticket is required as Authorization: Bearer <ticket>");
        }
        Tickets.Use use = tickets.http(ticket.get(), exchange.address());
        if (use instanceof Tickets.Use.Throttled throttled) {
            throw new ApiError(429, ErrorCode.RATE_LIMITED, "too many failed ticket uses from this address",
                    throttled.retryAfterMs());
        }
        if (!(use instanceof Tickets.Use.Granted granted)) {
            throw new ApiError(401, ErrorCode.UNAUTHORIZED,
                    "the ticket is unknown, expired or used up by a connection; request a new one");
        }
        if (!granted.device().id().equals(exchange.path("id"))) {
            throw ApiError.forbidden("this ticket belongs to another device");
        }
        return granted.device();
    }
}
