package org.telemetryhub.simulator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.Backoff;
import org.telemetryhub.client.link.TextMessages;
import org.telemetryhub.protocol.Wire;

/**
 * One operator dashboard on {@code /ws/dashboard} subscribed to a few devices from offset 0, recording every reading
 * it is handed. When the socket drops (a hub restart), it reconnects with backoff and resubscribes after the last
 * offset it has per device, as the web dashboard does.
 */
final class DashboardObserver implements WebSocket.Listener {

    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final Map<String, Deliveries> devices = new LinkedHashMap<>();
    private final ScheduledExecutorService timers;
    private final Backoff backoff = new Backoff(200, 3_000);
    private final Random random = new Random();
    private final TextMessages texts = new TextMessages();
    private volatile boolean running = true;
    private volatile WebSocket socket;
    private int failures;

    DashboardObserver(HttpClient http, URI uri, String token, List<String> deviceIds, ScheduledExecutorService timers) {
        this.http = http;
        this.uri = uri;
        this.token = token;
        this.timers = timers;
        deviceIds.forEach(id -> devices.put(id, new Deliveries()));
    }

    Map<String, Deliveries> devices() {
        return devices;
    }

    void start() {
        http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, this)
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        reconnect();
                    }
                });
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        failures = 0;
        // one send at a time; at most 20 frames a second per dashboard, so a fleet uses several observers
        CompletableFuture<WebSocket> sends = CompletableFuture.completedFuture(webSocket);
        for (Map.Entry<String, Deliveries> device : devices.entrySet()) {
            String subscribe = Wire.encode(Map.of("type", "subscribe", "device", device.getKey(),
                    "after", device.getValue().lastOffset()));
            sends = sends.thenCompose(ws -> ws.sendText(subscribe, true));
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        return texts.onText(webSocket, data, last, this::handle);
    }

    private void handle(String text) {
        JsonNode message;
        try {
            message = Wire.tree(text);
        } catch (IOException e) {
            return;
        }
        String type = message.path("type").asText();
        if (type.equals("subscribed")) {
            message.path("readings").forEach(this::reading);
        } else if (type.equals("reading")) {
            reading(message);
        }
    }

    private void reading(JsonNode reading) {
        Deliveries deliveries = devices.get(reading.path("device").asText());
        if (deliveries != null) {
            deliveries.delivered(reading.path("offset").asLong(), reading.path("seq").asLong());
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        reconnect();
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        reconnect();
    }

    private synchronized void reconnect() {
        if (running) {
            timers.schedule(this::start, backoff.delayMs(failures++, random), TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        running = false;
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "check done").orTimeout(2, TimeUnit.SECONDS)
                    .whenComplete((w, failure) -> ws.abort());
        }
    }
}
