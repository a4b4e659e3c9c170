package org.telemetryhub.client.link;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.Ticket;

/**
 * Devices that post their frames to {@code POST /api/devices/{id}/readings} with a ticket as bearer. A ticket used
 * this way serves any number of requests until it expires, so a link is one ticket's lifetime: nothing to open.
 */
public record HttpTransport(HttpClient http, URI base) implements Transport {

    @Override
    public String name() {
        return "http";
    }

    @Override
    public CompletableFuture<Link> open(String deviceId, Ticket ticket, LinkListener listener) {
        return CompletableFuture.completedFuture(new HttpLink(http, base.resolve("/api/devices/" + deviceId
                + "/readings"), ticket.ticket(), listener));
    }

    @Override
    public void close() {
        // the HttpClient is shared and owned by the fleet
    }
}
