package org.telemetryhub.client.link;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.Ticket;

/**
 * Devices that post their frames to {@code POST /api/devices/{id}/readings} with a ticket as bearer. A ticket used
 * this way serves any number of requests until it expires, so a link is one ticket's lifetime: nothing to open.
 * Results and reported state go out on every link; a transport that {@code polls} also long-polls for commands and
 * reads the desired state (a poll waits at most 10 s; the state is read as the link opens and after every poll), which a device that takes neither need not pay for.
 */
public record HttpTransport(HttpClient http, URI base, boolean polls) implements Transport {

    @Override
    public String name() {
        return "http";
    }

    @Override
    public CompletableFuture<Link> open(String deviceId, Ticket ticket, LinkListener listener) {
        return CompletableFuture.completedFuture(new HttpLink(http, base, deviceId, ticket.ticket(), polls,
                listener));
    }

    @Override
    public void close() {
        // the HttpClient is shared and owned by the fleet
    }
}
