package org.telemetryhub.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;

class SocketRefusalsTest {

    private final HttpClient http = HubOptions.httpClient();

    @Test
    void aRefusedUpgradeCountsByStatusAndTheHubsErrorCode() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.route("/ws/device", exchange -> FakeHub.answer(exchange, 503,
                    "{\"error\":\"too_many_connections\",\"message\":\"the hub has reached its connection limit\"}"));
            URI socket = new HubApi(http, hub.base()).deviceSocket();
            BenchDevice device = new BenchDevice("dev-1", 1, 1, 1, new BenchStats(), (d, delayMs) -> { });

            Throwable failure;
            try (BenchSockets sockets = new BenchSockets()) {
                failure = failureOf(device.connect(sockets, socket, "ticket"));
            }

            assertEquals("upgrade: HTTP 503 too_many_connections", SocketRefusals.code(failure));
            String line = SocketRefusals.describe("dev-1", socket, failure).getMessage();
            assertTrue(line.contains("device dev-1") && line.contains("HTTP 503"), line);
        }
    }

    @Test
    void aRefusedTicketCountsByStatusAndTheHubsErrorCode() throws Exception {
        try (FakeHub hub = new FakeHub()) {
            hub.route("/api/tickets", exchange -> FakeHub.answer(exchange, 429,
                    "{\"error\":\"rate_limited\",\"message\":\"too many failed ticket requests\"}"));

            Throwable failure = failureOf(new HubApi(http, hub.base()).ticketAsync("dev-1", "secret"));

            assertEquals("ticket: HTTP 429 rate_limited", SocketRefusals.code(failure));
        }
    }

    @Test
    void aHubThatIsGoneCountsAsRefusedConnectionsWithoutTheDeviceId() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Throwable failure = failureOf(new HubApi(http, URI.create("http://127.0.0.1:" + port))
                .ticketAsync("dev-1", "secret"));

        assertEquals("ticket: connection refused", SocketRefusals.code(failure));
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        try {
            future.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("expected a failure, but it succeeded");
    }
}
