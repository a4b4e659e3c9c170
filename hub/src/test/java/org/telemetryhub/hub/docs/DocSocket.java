package org.telemetryhub.hub.docs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.telemetryhub.client.link.TextMessages;

/**
 * A device's or a dashboard's WebSocket as the examples drive it: every text frame and the close (with its reason) land in one
 * queue, in arrival order. {@link #refusedUpgrade} sends an upgrade over a plain socket, to read the body of a refusal.
 */
final class DocSocket implements WebSocket.Listener, AutoCloseable {

    sealed interface Event {}

    record Text(String frame) implements Event {}

    record Closed(int code, String reason) implements Event {}

    record Failed(Throwable error) implements Event {}

    /** An HTTP answer to an upgrade that did not switch protocols. */
    record Refusal(int status, Map<String, List<String>> headers, String body) {}

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final EventQueue<Event> events = new EventQueue<>("nothing");
    private final TextMessages texts = new TextMessages();
    private WebSocket socket;

    private DocSocket() {}

    /** Opens the socket; fails with the JDK's handshake exception when the hub refuses the upgrade. */
    static DocSocket open(URI uri, Map<String, String> headers, List<String> subprotocols) {
        DocSocket listener = new DocSocket();
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size())
                    .toArray(String[]::new));
        }
        listener.socket = builder.buildAsync(uri, listener).join();
        return listener;
    }

    String subprotocol() {
        return socket.getSubprotocol();
    }

    void send(String frame) {
        socket.sendText(frame, true).join();
    }

    /** Starts the closing handshake; the hub's answering close arrives as an event. */
    void sendClose(int code, String reason) {
        socket.sendClose(code, reason).join();
    }

    void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    /** The next event, or an error after 10 s. */
    Event next() {
        return events.next();
    }

    /** An event that arrived and was not expected yet, if any. */
    Event unread() {
        return events.unread();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        return texts.onText(webSocket, data, last, text -> events.add(new Text(text)));
    }

    /**
     * Answers the hub's close before reporting it, so the socket is already ending on the hub's side when the test
     * goes on to the next example.
     */
    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        return webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "")
                .whenComplete((sent, failure) -> events.add(new Closed(statusCode, reason)));
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        events.add(new Failed(error));
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    /** Sends an upgrade request with the standard upgrade headers added, and reads the whole answer. */
    static Refusal refusedUpgrade(String host, int port, String target, Map<String, String> headers) {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\n")
                    .append("Host: ").append(host).append(':').append(port).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            OutputStream out = socket.getOutputStream();
            out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String[] head = new String(readHead(in), StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(head[0].split(" ")[1]);
            Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                fields.computeIfAbsent(head[i].substring(0, colon).trim(), k -> new ArrayList<>())
                        .add(head[i].substring(colon + 1).trim());
            }
            return new Refusal(status, fields, new String(readBody(in, fields), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the hub closed the connection inside the answer's head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        byte[] bytes = head.toByteArray();
        return java.util.Arrays.copyOf(bytes, bytes.length - 4);
    }

    private static byte[] readBody(InputStream in, Map<String, List<String>> fields) throws IOException {
        List<String> length = fields.get("Content-Length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length.get(0)));
        }
        List<String> encoding = fields.get("Transfer-Encoding");
        if (encoding == null || !encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
            return in.readAllBytes();
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in).split(";")[0].trim();
            int n = Integer.parseInt(size, 16);
            if (n == 0) {
                return body.toByteArray();
            }
            body.write(in.readNBytes(n));
            line(in);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
