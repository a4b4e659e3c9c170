package org.telemetryhub.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Trades a device's id and secret for a ticket ({@code POST /api/tickets}). A ticket opens one link and lives a
 * minute at most, so a device asks for a fresh one each time it connects. A refusal is a
 * {@link HubRefusedException}; {@link HubRefusedException#badCredentials()} tells the one that retrying cannot cure.
 */
public final class Tickets {

    private final HubCalls calls;

    public Tickets(HubCalls calls) {
        this.calls = calls;
    }

    /** A ticket, waiting for it. */
    public Ticket request(String deviceId, String secret) {
        String what = what(deviceId);
        return ticket(calls.call("POST", "/api/tickets", body(deviceId, secret), null, what), what);
    }

    /** A ticket without blocking a thread: for devices that reconnect many at a time. */
    public CompletableFuture<Ticket> requestAsync(String deviceId, String secret) {
        String what = what(deviceId);
        return calls.callAsync("POST", "/api/tickets", body(deviceId, secret), null, what)
                .thenApply(answer -> ticket(answer, what));
    }

    private static String what(String deviceId) {
        return "get a ticket for device " + deviceId;
    }

    private static Map<String, Object> body(String deviceId, String secret) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deviceId", deviceId);
        body.put("secret", secret);
        return body;
    }

    private Ticket ticket(HubCalls.Answer answer, String what) {
        calls.expect(answer, 201, what);
        return new Ticket(calls.text(answer, "ticket", what), HubCalls.number(answer, "expiresAt"),
                HubCalls.number(answer, "lastSeq"));
    }
}
