package org.telemetryhub.hub.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import org.telemetryhub.hub.docs.ProtocolDoc.Close;
import org.telemetryhub.hub.docs.ProtocolDoc.Header;
import org.telemetryhub.hub.docs.ProtocolDoc.HttpExample;
import org.telemetryhub.hub.docs.ProtocolDoc.Receive;
import org.telemetryhub.hub.docs.ProtocolDoc.Response;
import org.telemetryhub.hub.docs.ProtocolDoc.Send;
import org.telemetryhub.hub.docs.ProtocolDoc.SendSized;
import org.telemetryhub.hub.docs.ProtocolDoc.Step;
import org.telemetryhub.hub.docs.ProtocolDoc.WsExample;

/**
 * Runs the document's examples against a hub, in order, sharing placeholders between them: an HTTP example is one
 * request and its answer; a WebSocket example opens a connection (or continues one by device label) and exchanges
 * frames, each frame from the hub being the very next one the device receives.
 */
final class ExampleRunner implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final Placeholders placeholders;
    private final Map<String, DocSocket> sockets = new HashMap<>();
    private final List<DocSocket> opened = new ArrayList<>();

    ExampleRunner(int port, Placeholders placeholders) {
        this.port = port;
        this.placeholders = placeholders;
    }

    void run(ProtocolDoc.Example example) {
        try {
            if (example instanceof HttpExample http) {
                http(http);
            } else {
                ws((WsExample) example);
            }
        } catch (AssertionError e) {
            AssertionError failure = new AssertionError("example " + example.name() + " (docs/protocol.md line "
                    + example.line() + "): " + e.getMessage());
            failure.setStackTrace(e.getStackTrace());
            throw failure;
        }
    }

    private void http(HttpExample example) {
        ProtocolDoc.Request request = example.request();
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                + placeholders.fill(request.target()))).timeout(Duration.ofSeconds(20));
        for (Header header : request.headers()) {
            builder.header(header.name(), placeholders.fill(header.value()));
        }
        String body = request.body() == null ? null : body(request.body());
        builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        check(example.response(), answer.statusCode(), answer.headers().map(), answer.body());
    }

    private void ws(WsExample example) {
        if (example.handshake().isPresent()) {
            handshake(example.device(), example.handshake().get());
        }
        if (example.steps().isEmpty()) {
            return;
        }
        DocSocket socket = sockets.get(example.device());
        if (socket == null) {
            throw new AssertionError("no open WebSocket for device " + example.device()
                    + "; an earlier example must open one");
        }
        for (Step step : example.steps()) {
            step(socket, step);
        }
        nothingUnread(socket, "after its last frame");
    }

    private void handshake(String device, ProtocolDoc.Handshake handshake) {
        String target = placeholders.fill(handshake.request().target());
        Map<String, String> headers = new LinkedHashMap<>();
        List<String> subprotocols = new ArrayList<>();
        for (Header header : handshake.request().headers()) {
            String value = placeholders.fill(header.value());
            if (header.name().equalsIgnoreCase("Sec-WebSocket-Protocol")) {
                Arrays.stream(value.split(",")).map(String::trim).forEach(subprotocols::add);
            } else {
                headers.put(header.name(), value);
            }
        }
        Response expected = handshake.response();
        if (expected.status() != 101) {
            if (!subprotocols.isEmpty()) {
                headers.put("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
            }
            DocSocket.Refusal refusal = DocSocket.refusedUpgrade(HOST, port, target, headers);
            check(expected, refusal.status(), refusal.headers(), refusal.body());
            return;
        }
        DocSocket socket;
        try {
            socket = DocSocket.open(URI.create("ws://" + HOST + ":" + port + target), headers, subprotocols);
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                throw new AssertionError("the document shows 101, but the hub answered the upgrade with "
                        + refused.getResponse().statusCode());
            }
            throw e;
        }
        opened.add(socket);
        sockets.put(device, socket);
        String shown = expected.headers().stream().filter(h -> h.name().equalsIgnoreCase("Sec-WebSocket-Protocol"))
                .map(Header::value).findFirst().orElse("");
        if (!socket.subprotocol().equals(shown)) {
            throw new AssertionError("the hub accepted the sub-protocol \"" + socket.subprotocol()
                    + "\", the document shows \"" + shown + "\"");
        }
        if (expected.headers().size() > (shown.isEmpty() ? 0 : 1)) {
            throw new AssertionError("a 101 answer can only show Sec-WebSocket-Protocol");
        }
    }

    private void step(DocSocket socket, Step step) {
        if (step instanceof Send send) {
            nothingUnread(socket, "before → " + send.frame());
            socket.send(placeholders.fill(send.frame()));
        } else if (step instanceof SendSized sized) {
            nothingUnread(socket, "before a sized frame");
            if (sized.binary()) {
                socket.sendBinary(new byte[sized.bytes()]);
            } else {
                socket.send(padded(sized.bytes()));
            }
        } else if (step instanceof Receive receive) {
            DocSocket.Event event = socket.next();
            if (!(event instanceof DocSocket.Text text)) {
                throw new AssertionError("the document shows ← " + receive.frame() + ", but the hub sent " + event);
            }
            Placeholders.Answer answer = placeholders.answer(text.frame());
            answer.json(receive.frame(), text.frame());
            answer.commit();
        } else if (step instanceof Close close) {
            DocSocket.Event event = socket.next();
            if (!(event instanceof DocSocket.Closed closed) || closed.code() != close.code()) {
                throw new AssertionError("the document shows the hub closing with " + close.code()
                        + ", but the hub sent " + event);
            }
            if (close.reason() != null) {
                Placeholders.Answer answer = placeholders.answer("close " + closed.code() + " " + closed.reason());
                answer.text(close.reason(), closed.reason());
            }
        }
    }

    private static void nothingUnread(DocSocket socket, String when) {
        DocSocket.Event unread = socket.unread();
        if (unread != null) {
            throw new AssertionError("the hub sent " + unread + " that the document does not show (" + when + ")");
        }
    }

    private void check(Response expected, int status, Map<String, List<String>> headers, String body) {
        String shown = status + " " + headers + "\n" + body;
        if (status != expected.status()) {
            throw new AssertionError("the document shows " + expected.status() + ", but the hub answered " + shown);
        }
        Placeholders.Answer answer = placeholders.answer(shown);
        for (Header header : expected.headers()) {
            List<String> values = headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(header.name()))
                    .flatMap(e -> e.getValue().stream()).toList();
            answer.header(header.name(), header.value(), values);
        }
        if (expected.body() == null) {
            if (!body.isEmpty()) {
                throw new AssertionError("the document shows no body, but the hub answered " + shown);
            }
        } else if (expected.body().startsWith("{") || expected.body().startsWith("[")) {
            answer.json(expected.body(), body);
        } else {
            answer.text(expected.body(), body);
        }
        answer.commit();
    }

    /** A request body: the document's text with its placeholders filled, or {@code (N bytes)} of padding. */
    private String body(String shown) {
        Matcher sized = ProtocolDoc.SIZED_BODY.matcher(shown);
        return sized.matches() ? padded(Integer.parseInt(sized.group(1))) : placeholders.fill(shown);
    }

    /** A reading frame padded to exactly this many bytes. */
    static String padded(int bytes) {
        String head = "{\"type\":\"reading\",\"seq\":1,\"pad\":\"";
        String tail = "\"}";
        int pad = bytes - head.length() - tail.length();
        String frame = head + "x".repeat(Math.max(0, pad)) + tail;
        if (frame.getBytes(StandardCharsets.UTF_8).length != bytes) {
            throw new IllegalArgumentException("cannot pad a frame to " + bytes + " bytes");
        }
        return frame;
    }

    @Override
    public void close() {
        opened.forEach(DocSocket::close);
    }
}
