package org.telemetryhub.simulator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One device of the commands benchmark: answers every {@code command} at once with a successful
 * {@code command_result}, and reports each {@code command_ack} with the time its command was sent, so the round trip
 * (operator's request → delivery → result stored → ack) is measured end to end.
 */
final class CommandDevice implements WebSocket.Listener {

    /** A finished round trip: its command's id and whether the hub acked the result without an error. */
    record RoundTrip(String commandId, boolean acked, long sentNanos, long ackedNanos) {}

    private final String id;
    private final Consumer<RoundTrip> done;
    /** Half a round trip, whichever half is known first: the request's send time, or the ack. */
    private record Half(long sentNanos, boolean acked, boolean ok, long ackedNanos) {}

    private final Map<String, Half> halves = new ConcurrentHashMap<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);

    CommandDevice(String id, Consumer<RoundTrip> done) {
        this.id = id;
        this.done = done;
    }

    String id() {
        return id;
    }

    CompletableFuture<WebSocket> connect(HttpClient http, URI uri, String ticket) {
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + ticket).buildAsync(uri, this)
                .thenApply(ws -> socket = ws);
    }

    /** The hub answered the request for this command, sent at {@code sentNanos} (its ack may have come first). */
    void sent(String commandId, long sentNanos) {
        meet(commandId, new Half(sentNanos, false, false, 0));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            answer(text);
        }
        webSocket.request(1);
        return null;
    }

    private void answer(String text) {
        HubMessage message;
        try {
            message = Wire.decodeHubMessage(text);
        } catch (IOException e) {
            return;
        }
        if (message instanceof HubMessage.Command command) {
            send("{\"type\":\"command_result\",\"commandId\":\"" + command.commandId() + "\",\"ok\":true}");
        } else if (message instanceof HubMessage.CommandAck ack) {
            meet(ack.commandId(), new Half(0, true, ack.error() == null, System.nanoTime()));
        }
    }

    private void meet(String commandId, Half half) {
        Half[] both = new Half[2];
        halves.compute(commandId, (key, other) -> {
            if (other == null) {
                return half;
            }
            both[0] = other;
            both[1] = half;
            return null;
        });
        if (both[0] != null) {
            Half sent = both[0].acked() ? both[1] : both[0];
            Half acked = both[0].acked() ? both[0] : both[1];
            done.accept(new RoundTrip(commandId, acked.ok(), sent.sentNanos(), acked.ackedNanos()));
        }
    }

    /** One text frame at a time, as the WebSocket client requires. */
    private synchronized void send(String frame) {
        writes = writes.thenCompose(v -> socket.sendText(frame, true)).thenApply(ws -> null);
    }

    void close() {
        WebSocket s = socket;
        if (s != null) {
            s.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
    }
}
