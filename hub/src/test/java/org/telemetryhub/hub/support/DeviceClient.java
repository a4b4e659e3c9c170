package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * A device's WebSocket as a test drives it, frame by frame: tests send hand-written (and hostile) frames and read the
 * hub's answers as JSON. A device that behaves is the device SDK's {@code HubDevice} (see {@code SdkTransportsTest}).
 */
public final class DeviceClient implements AutoCloseable {

    private final JsonSocket socket;
    public final BlockingQueue<JsonNode> messages;
    public final CompletableFuture<Integer> closed;

    private DeviceClient(JsonSocket socket) {
        this.socket = socket;
        this.messages = socket.messages;
        this.closed = socket.closed;
    }

    public static DeviceClient connect(URI uri, String ticket) {
        return connect(uri, ticket, List.of());
    }

    public static DeviceClient connect(URI uri, String ticket, List<String> subprotocols) {
        return new DeviceClient(JsonSocket.open(uri, headers(ticket), subprotocols));
    }

    /** The HTTP status the hub answered the upgrade with: 101 when it accepted it. */
    public static int refusedStatus(URI uri, String ticket) {
        return refusedStatus(uri, ticket, List.of());
    }

    public static int refusedStatus(URI uri, String ticket, List<String> subprotocols) {
        return JsonSocket.upgradeStatus(uri, headers(ticket), subprotocols);
    }

    public String subprotocol() {
        return socket.subprotocol();
    }

    public void send(String frame) {
        socket.send(frame);
    }

    public void sendBinary(byte[] bytes) {
        socket.sendBinary(bytes);
    }

    /** The next message, or fails after 10 s. */
    public JsonNode next() {
        return next(m -> true);
    }

    public JsonNode next(Predicate<JsonNode> wanted) {
        return socket.next(wanted);
    }

    /** Waits for the ack naming this seq. */
    public JsonNode ack(long seq) {
        return next(m -> m.path("type").asText().equals("ack") && m.path("seq").asLong() == seq);
    }

    public int awaitClose() {
        return socket.awaitClose();
    }

    /** The reason the hub gave when it closed the socket; waits for the close. */
    public String closeReason() {
        socket.awaitClose();
        return socket.closeReason.join();
    }

    @Override
    public void close() {
        socket.close();
    }

    private static Map<String, String> headers(String ticket) {
        return ticket == null ? Map.of() : Map.of("Authorization", "Bearer " + ticket);
    }
}
