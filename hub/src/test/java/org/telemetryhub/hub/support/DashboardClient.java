package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A dashboard's WebSocket as a test drives it. Every message lands in a queue; {@link #pause} stops reading from the
 * network (so the hub sees a slow consumer) until {@link #resume}.
 */
public final class DashboardClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** Messages not yet taken by {@link #next}. */
    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    /** Every message received, in order, whether taken or not. */
    private final List<JsonNode> received = new ArrayList<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean paused;
    private WebSocket socket;

    private DashboardClient(boolean paused) {
        this.paused = paused;
    }

    public static DashboardClient connect(URI uri, String token) {
        return connect(uri, Map.of("Authorization", "Bearer " + token), false);
    }

    public static DashboardClient connect(URI uri, Map<String, String> headers, boolean paused) {
        DashboardClient client = new DashboardClient(paused);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(uri, client).join();
        return client;
    }

    /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
    public static int refusedStatus(URI uri, Map<String, String> headers) {
        try {
            connect(uri, headers, false).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public void send(String frame) {
        socket.sendText(frame, true).join();
    }

    public void subscribe(String device, Long after) {
        send(after == null ? "{\"type\":\"subscribe\",\"device\":\"" + device + "\"}"
                : "{\"type\":\"subscribe\",\"device\":\"" + device + "\",\"after\":" + after + "}");
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        socket.request(1);
    }

    public JsonNode next(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (true) {
                JsonNode message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null) {
                    throw new AssertionError("no matching dashboard message within 10 s");
                }
                if (wanted.test(message)) {
                    return message;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public JsonNode next(String type) {
        return next(m -> m.path("type").asText().equals(type));
    }

    /** Every reading received so far for a device, from snapshots and live messages, in arrival order. */
    public List<JsonNode> readings(String device) {
        List<JsonNode> readings = new ArrayList<>();
        for (JsonNode message : received()) {
            if (!device.equals(message.path("device").asText())) {
                continue;
            }
            if (message.path("type").asText().equals("reading")) {
                readings.add(message);
            } else if (message.path("type").asText().equals("subscribed")) {
                message.get("readings").forEach(readings::add);
            }
        }
        return readings;
    }

    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public List<Long> offsets(String device) {
        return readings(device).stream().map(r -> r.get("offset").asLong()).toList();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        if (!paused) {
            webSocket.request(1);
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode message = Api.JSON.readTree(partial.toString());
                synchronized (received) {
                    received.add(message);
                }
                messages.add(message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }
}
