package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.protocol.ErrorCode;

/** {@code POST /api/tickets}: a device trades its secret for a short-lived, single-use ticket. */
public final class TicketRoutes {

    private final Tickets tickets;

    public TicketRoutes(Tickets tickets) {
        this.tickets = tickets;
    }

    public void register(Router router) {
        router.add("POST", "/api/tickets", this::issue);
    }

    private void issue(Exchange exchange) {
        JsonNode body = exchange.jsonBody();
        String deviceId = Fields.text(body, "deviceId");
        String secret = Fields.text(body, "secret");
        Tickets.Issue issue = tickets.issue(deviceId, secret, exchange.address());
        if (issue instanceof Tickets.Issue.Issued issued) {
            exchange.json(201, Map.of("ticket", issued.ticket(), "expiresAt", issued.expiresAt(),
                    "lastSeq", issued.lastSeq()));
        } else if (issue instanceof Tickets.Issue.Throttled throttled) {
            throw new ApiError(429, ErrorCode.RATE_LIMITED, "too many failed ticket requests; retry after "
                    + throttled.retryAfterMs() + " ms", throttled.retryAfterMs());
        } else {
            throw new ApiError(401, ErrorCode.BAD_CREDENTIALS, "the device id or secret is wrong");
        }
    }
}
