package org.telemetryhub.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The hub's ticket, HTTP ingest, command and state endpoints as a test scripts them, on a loopback port: each
 * request goes into a log, and the test's function decides the status and JSON answer. The boundary the SDK really
 * talks to.
 */
final class LoopbackHub implements AutoCloseable {

    /** An answer: the status and the JSON body. */
    record Reply(int status, String json) {}

    /** A request for commands or state: its method, its path with the query, its bearer and its body. */
    record Call(String method, String path, String bearer, String body) {}

    final List<String> ticketRequests = new CopyOnWriteArrayList<>();
    final List<String> ingestRequests = new CopyOnWriteArrayList<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private volatile Function<Integer, Reply> tickets = n -> issued(0);
    private volatile Function<String, Reply> ingest = body -> new Reply(500, "{}");
    private volatile Function<Call, Reply> control = call -> new Reply(404, "{\"error\":\"unknown_command\"}");

    LoopbackHub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(workers);
        server.createContext("/api/tickets", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            ticketRequests.add(body);
            reply(exchange, tickets.apply(ticketRequests.size()));
        });
        server.createContext("/api/devices/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().toString();
            if (path.endsWith("/readings")) {
                ingestRequests.add(body);
                reply(exchange, ingest.apply(body));
            } else {
                Call call = new Call(exchange.getRequestMethod(), path,
                        exchange.getRequestHeaders().getFirst("Authorization"), body);
                calls.add(call);
                reply(exchange, control.apply(call));
            }
        });
        server.start();
    }

    /** How the n-th ticket request (from 1) is answered. */
    void tickets(Function<Integer, Reply> answers) {
        this.tickets = answers;
    }

    /** How a frame posted to the readings endpoint is answered. */
    void ingest(Function<String, Reply> answers) {
        this.ingest = answers;
    }

    /** How a request for commands or state is answered. */
    void control(Function<Call, Reply> answers) {
        this.control = answers;
    }

    static Reply issued(long lastSeq) {
        return new Reply(201, "{\"ticket\":\"t-" + System.nanoTime() + "\",\"expiresAt\":0,\"lastSeq\":" + lastSeq
                + "}");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.json().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
