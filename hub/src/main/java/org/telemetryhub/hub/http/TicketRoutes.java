package org.telemetryhub.hub.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.telemetryhub.hub.auth.Tickets;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.protocol.ErrorCode;

/** {@code POST /api/tickets}: a device trades its secret for a short-lived, single-use ticket. */
public final class TicketRoutes {

    private final Tickets tickets;
    private final HubConfig.Limits limits;

    public TicketRoutes(Tickets tickets, HubConfig.Limits limits) {
        this.tickets = tickets;
        this.limits = limits;
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
        } else if (issue instanceof Tickets.Issue.RateLimited limited) {
            throw new ApiError(429, ErrorCode.RATE_LIMITED, "device " + deviceId + " may get "
                    + limits.deviceTicketBurst() + " tickets at once, then " + limits.deviceTicketsPerSecond()
                    + " a second; retry after " + limited.retryAfterMs() + " ms", limited.retryAfterMs());
        } else if (issue instanceof Tickets.Issue.Throttled throttled) {
            throw new ApiError(429, ErrorCode.RATE_LIMITED, "too many failed ticket requests from this address; "
                    + "retry after " + throttled.retryAfterMs() + " ms", throttled.retryAfterMs());
        } else {
            throw new ApiError(401, ErrorCode.BAD_CREDENTIALS, "the device id or secret is wrong");
        }
    }
}
