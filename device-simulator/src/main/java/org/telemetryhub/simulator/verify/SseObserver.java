package org.telemetryhub.simulator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.Backoff;
import org.telemetryhub.protocol.Wire;

/**
 * One device's Server-Sent Events stream ({@code GET /api/devices/{id}/stream}) from offset 0, recording every
 * {@code reading} event. When the stream ends (a hub restart), it reconnects with backoff and {@code Last-Event-ID},
 * as a browser's EventSource does.
 */
final class SseObserver {

    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final ScheduledExecutorService timers;
    private final Deliveries deliveries = new Deliveries();
    private final Backoff backoff = new Backoff(200, 3_000);
    private final Random random = new Random();
    private volatile boolean running = true;
    private volatile Flow.Subscription subscription;
    private int failures;

    SseObserver(HttpClient http, URI base, String deviceId, String token, ScheduledExecutorService timers) {
        this.http = http;
        this.uri = base.resolve("/api/devices/" + deviceId + "/stream");
        this.token = token;
        this.timers = timers;
    }

    Deliveries deliveries() {
        return deliveries;
    }

    void start() {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", Long.toString(deliveries.lastOffset()))
                .GET().build();
        http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new Events()))
                .whenComplete((response, failure) -> {
                    if (failure == null && response.statusCode() == 200) {
                        failures = 0;
                    }
                    reconnect();
                });
    }

    private synchronized void reconnect() {
        if (running) {
            timers.schedule(this::start, backoff.delayMs(failures++, random), TimeUnit.MILLISECONDS);
        }
    }

    void stop() {
        running = false;
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    /** Parses the event stream line by line: {@code id:}, {@code event:}, {@code data:}, then a blank line. */
    private final class Events implements Flow.Subscriber<String> {
        private String event = "";
        private String data = "";

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (!running) {
                s.cancel();
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.isEmpty()) {
                if (event.equals("reading")) {
                    reading(data);
                }
                event = "";
                data = "";
            } else if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:")) {
                data = line.substring(5).strip();
            }
        }

        private void reading(String json) {
            try {
                JsonNode reading = Wire.tree(json);
                deliveries.delivered(reading.path("offset").asLong(), reading.path("seq").asLong());
            } catch (IOException e) {
                // not a reading: nothing to record
            }
        }

        @Override
        public void onError(Throwable throwable) {
            // the stream ended; start()'s completion reconnects
        }

        @Override
        public void onComplete() {
            // as onError
        }
    }
}
