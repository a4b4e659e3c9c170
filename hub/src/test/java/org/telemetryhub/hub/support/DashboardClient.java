package org.telemetryhub.hub.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.function.Predicate;

/**
 * A dashboard's WebSocket as a test drives it; {@link #pause} stops reading from the network (so the hub sees a
 * slow consumer) until {@link #resume}.
 */
public final class DashboardClient implements AutoCloseable {

    private final JsonSocket socket;
    /** Messages not yet taken by {@link #next}. */
    public final BlockingQueue<JsonNode> messages;

    private DashboardClient(JsonSocket socket) {
        this.socket = socket;
        this.messages = socket.messages;
    }

    public static DashboardClient connect(URI uri, String token) {
        return connect(uri, Map.of("Authorization", "Bearer " + token));
    }

    public static DashboardClient connect(URI uri, Map<String, String> headers) {
        return new DashboardClient(JsonSocket.open(uri, headers, List.of()));
    }

    /** The HTTP status of a refused upgrade, or 101 when it was accepted. */
    public static int refusedStatus(URI uri, Map<String, String> headers) {
        return JsonSocket.upgradeStatus(uri, headers, List.of());
    }

    public void send(String frame) {
        socket.send(frame);
    }

    public void subscribe(String device, Long after) {
        send(after == null ? "{\"type\":\"subscribe\",\"device\":\"" + device + "\"}"
                : "{\"type\":\"subscribe\",\"device\":\"" + device + "\",\"after\":" + after + "}");
    }

    public void pause() {
        socket.pause();
    }

    public void resume() {
        socket.resume();
    }

    public JsonNode next(Predicate<JsonNode> wanted) {
        return socket.next(wanted);
    }

    public JsonNode next(String type) {
        return next(m -> m.path("type").asText().equals(type));
    }

    public List<JsonNode> received() {
        return socket.received();
    }

    /** The close code the hub closed the socket with; waits up to 10 s. */
    public int awaitClose() {
        return socket.awaitClose();
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

    public List<Long> offsets(String device) {
        return readings(device).stream().map(r -> r.get("offset").asLong()).toList();
    }

    @Override
    public void close() {
        socket.close();
    }
}
