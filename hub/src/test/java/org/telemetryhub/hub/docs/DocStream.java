package org.telemetryhub.hub.docs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.telemetryhub.hub.docs.ProtocolDoc.Field;

/**
 * A Server-Sent Events stream as the examples read it: every event (its lines up to the blank line) lands in one
 * queue, in arrival order. Comment lines, such as the hub's {@code : keep-alive}, are no events and are skipped.
 */
final class DocStream implements AutoCloseable {

    sealed interface Event {}

    record Received(List<Field> fields) implements Event {}

    record Ended(String why) implements Event {}

    private final HttpResponse<InputStream> response;
    private final EventQueue<Event> events = new EventQueue<>("no event");
    private volatile boolean closed;

    private DocStream(HttpResponse<InputStream> response) {
        this.response = response;
        Thread reader = new Thread(this::read, "doc-sse");
        reader.setDaemon(true);
        reader.start();
    }

    /** Sends the request and waits up to 10 s for the answer's head (the hub sends it with the first event). */
    static DocStream open(HttpClient client, HttpRequest request) {
        try {
            return new DocStream(client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                    .get(10, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("the hub sent no answer to " + request.uri() + " within 10 s");
        } catch (ExecutionException e) {
            throw new AssertionError("the stream " + request.uri() + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    int status() {
        return response.statusCode();
    }

    Map<String, List<String>> headers() {
        return response.headers().map();
    }

    /** The next event, or an error after 10 s. */
    Event next() {
        return events.next();
    }

    /** An event that arrived and was not expected yet, if any. */
    Event unread() {
        return events.unread();
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            List<Field> fields = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty()) {
                    if (!fields.isEmpty()) {
                        events.add(new Received(List.copyOf(fields)));
                        fields.clear();
                    }
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    fields.add(new Field(colon < 0 ? line : line.substring(0, colon),
                            value.startsWith(" ") ? value.substring(1) : value));
                }
            }
            events.add(new Ended("the hub ended the stream"));
        } catch (IOException e) {
            if (!closed) {
                events.add(new Ended("the stream failed: " + e));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the stream is being abandoned anyway
        }
    }
}
