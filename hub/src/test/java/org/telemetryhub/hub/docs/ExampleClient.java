package org.telemetryhub.hub.docs;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.support.TestHub;

/**
 * Sends an example's request to a hub and reads its answer: plain HTTP, a Server-Sent Events stream up to its first
 * reading (the stream itself never ends), or a WebSocket upgrade, by hand, up to the answer's head and body.
 */
final class ExampleClient {

    record Request(String method, String target, Map<String, String> headers, String body) {}

    record Answer(int status, Map<String, String> headers, String body) {
        String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }

    private final TestHub hub;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ExampleClient(TestHub hub) {
        this.hub = hub;
    }

    Answer send(OpenApiDocument.Operation operation, Request request)
            throws Exception {
        if (operation.path().startsWith("/ws/")) {
            return upgrade(request);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(hub.url() + request.target()))
                .timeout(Duration.ofSeconds(30))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body()));
        request.headers().forEach(builder::header);
        HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
        Map<String, String> headers = new HashMap<>();
        response.headers().map().forEach((name, list) -> headers.put(name.toLowerCase(Locale.ROOT), list.get(0)));
        try (InputStream in = response.body()) {
            String body = headers.getOrDefault("content-type", "").startsWith("text/event-stream")
                    ? firstReadingEvent(in) : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(response.statusCode(), headers, body);
        }
    }

    /** The {@code data:} of a stream's first {@code reading} event; the stream itself never ends. */
    private static String firstReadingEvent(InputStream in) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String event = "";
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && event.equals("reading")) {
                        return line.substring(6);
                    } else if (line.isEmpty()) {
                        event = "";
                    }
                }
                return "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    /** A WebSocket upgrade by hand (HTTP clients will not send these headers): the answer's head, and its body. */
    private Answer upgrade(Request request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", hub.hub.port())) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder("GET " + request.target() + " HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(hub.hub.port()).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            request.headers().forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = line(in);
            Map<String, String> headers = new HashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            String body = "";
            if (code != 101 && headers.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))),
                        StandardCharsets.UTF_8);
            }
            return new Answer(code, headers, body);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the hub closed the connection in the answer's head");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

}
