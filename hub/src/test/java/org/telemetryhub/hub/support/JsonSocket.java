package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
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
import org.telemetryhub.client.link.TextMessages;

/**
 * A WebSocket whose JSON messages a test awaits: each lands in a queue ({@link #next} takes from it) and in a log
 * of everything received. {@link #pause} stops reading from the network until {@link #resume}.
 */
public final class JsonSocket implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Integer> closed = new CompletableFuture<>();
    /** The reason the peer gave when it closed the socket. */
    public final CompletableFuture<String> closeReason = new CompletableFuture<>();
    private final List<JsonNode> received = new ArrayList<>();
    private final TextMessages texts = new TextMessages();
    private volatile boolean paused;
    private WebSocket socket;

    private JsonSocket() {}

    public static JsonSocket open(URI uri, Map<String, String> headers, List<String> subprotocols) {
        JsonSocket listener = new JsonSocket();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        listener.socket = builder.buildAsync(uri, listener).join();
        return listener;
    }

    /** The HTTP status the server answered the upgrade with: 101 when it accepted it. */
    public static int upgradeStatus(URI uri, Map<String, String> headers, List<String> subprotocols) {
        try {
            open(uri, headers, subprotocols).close();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw e;
        }
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void send(String frame) {
        socket.sendText(frame, true).join();
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** Takes messages until one matches; fails after 10 s. */
    public JsonNode next(Predicate<JsonNode> wanted) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (true) {
                JsonNode message = messages.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (message == null) {
                    throw new AssertionError("no matching message within 10 s");
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

    /** Every message received so far, in order, whether taken or not. */
    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public int awaitClose() {
        return closed.orTimeout(10, TimeUnit.SECONDS).join();
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
        socket.request(1);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String text = texts.add(data, last);
        if (text != null) {
            try {
                JsonNode message = Api.JSON.readTree(text);
                synchronized (received) {
                    received.add(message);
                }
                messages.add(message);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!paused) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason.complete(reason);
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
