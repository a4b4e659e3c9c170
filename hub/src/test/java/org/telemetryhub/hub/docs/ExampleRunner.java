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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import org.telemetryhub.hub.docs.ProtocolDoc.ClockMoves;
import org.telemetryhub.hub.docs.ProtocolDoc.Close;
import org.telemetryhub.hub.docs.ProtocolDoc.Field;
import org.telemetryhub.hub.docs.ProtocolDoc.Header;
import org.telemetryhub.hub.docs.ProtocolDoc.HttpExample;
import org.telemetryhub.hub.docs.ProtocolDoc.PendingAnswer;
import org.telemetryhub.hub.docs.ProtocolDoc.Receive;
import org.telemetryhub.hub.docs.ProtocolDoc.Response;
import org.telemetryhub.hub.docs.ProtocolDoc.Send;
import org.telemetryhub.hub.docs.ProtocolDoc.SendClose;
import org.telemetryhub.hub.docs.ProtocolDoc.SendSized;
import org.telemetryhub.hub.docs.ProtocolDoc.SseEvent;
import org.telemetryhub.hub.docs.ProtocolDoc.SseExample;
import org.telemetryhub.hub.docs.ProtocolDoc.Step;
import org.telemetryhub.hub.docs.ProtocolDoc.WsExample;
import org.telemetryhub.hub.support.TestClock;

/**
 * Runs the document's examples against a hub, in order, sharing placeholders between them: an HTTP example is one
 * request and its answer (a pending one is answered at its answer block further down); a WebSocket example opens a
 * connection (or continues one by its device or dashboard label) and exchanges frames, each frame from the hub being
 * the very next one the client receives; an SSE example opens a stream (or continues one by label) and reads its
 * events the same way. The hub's clock moves only where an example says so.
 */
final class ExampleRunner implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    /** How long a moved clock is given to reach the hub's timers, which run on real time (at least once a second). */
    private static final long TIMERS_NOTICE_MS = 1_500;
    /** How long a pending request must stay unanswered to count as waiting. */
    private static final long PENDING_MS = 300;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final Placeholders placeholders;
    private final TestClock clock;
    private final Map<String, DocSocket> sockets = new HashMap<>();
    private final List<DocSocket> opened = new ArrayList<>();
    private final Map<String, DocStream> streams = new HashMap<>();
    private final Map<String, CompletableFuture<HttpResponse<String>>> pending = new HashMap<>();

    ExampleRunner(int port, Placeholders placeholders, TestClock clock) {
        this.port = port;
        this.placeholders = placeholders;
        this.clock = clock;
    }

    void run(ProtocolDoc.Example example) {
        try {
            if (example instanceof HttpExample http && http.pending()) {
                sendPending(http);
            } else if (example instanceof HttpExample http) {
                http(http);
            } else if (example instanceof PendingAnswer answer) {
                answer(answer);
            } else if (example instanceof SseExample sse) {
                sse(sse);
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
        HttpResponse<String> answer;
        try {
            answer = HTTP.send(request(example.request(), Duration.ofSeconds(20)),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        check(example.response(), answer.statusCode(), answer.headers().map(), answer.body());
    }

    private HttpRequest request(ProtocolDoc.Request request, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + port
                + placeholders.fill(request.target()))).timeout(timeout);
        for (Header header : request.headers()) {
            builder.header(header.name(), placeholders.fill(header.value()));
        }
        String body = request.body() == null ? null : body(request.body());
        builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return builder.build();
    }

    /** Sends the request and leaves it waiting; the hub must not answer it at once. */
    private void sendPending(HttpExample example) {
        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(
                request(example.request(), Duration.ofSeconds(60)), HttpResponse.BodyHandlers.ofString());
        pending.put(example.name(), answer);
        sleep(PENDING_MS);
        if (answer.isDone()) {
            HttpResponse<String> early = answer.getNow(null);
            throw new AssertionError("the document shows the request waiting, but the hub answered it at once: "
                    + (early == null ? "the request failed" : early.statusCode() + "\n" + early.body()));
        }
    }

    private void answer(PendingAnswer example) {
        HttpResponse<String> answer;
        try {
            answer = pending.remove(example.name()).get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the hub did not answer the pending request within 20 s");
        } catch (ExecutionException e) {
            throw new AssertionError("the pending request failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        check(example.response(), answer.statusCode(), answer.headers().map(), answer.body());
    }

    private void sse(SseExample example) {
        if (example.opening().isPresent()) {
            ProtocolDoc.Handshake opening = example.opening().get();
            DocStream stream = DocStream.open(HTTP, request(opening.request(), Duration.ofSeconds(60)));
            DocStream earlier = streams.put(example.stream(), stream);
            if (earlier != null) {
                earlier.close();
            }
            Placeholders.Answer answer = head(opening.response(), stream.status(), stream.headers());
            answer.commit();
        }
        DocStream stream = streams.get(example.stream());
        if (stream == null) {
            throw new AssertionError("no open stream " + example.stream() + "; an earlier example must open one");
        }
        for (SseEvent expected : example.events()) {
            DocStream.Event event = stream.next();
            if (!(event instanceof DocStream.Received received)) {
                throw new AssertionError("the document shows the event " + expected.fields() + ", but " + event);
            }
            event(expected, received.fields());
        }
        if (example.ends()) {
            DocStream.Event end = stream.next();
            if (!(end instanceof DocStream.Ended)) {
                throw new AssertionError("the document shows the hub ending the stream, but " + end);
            }
            streams.remove(example.stream());
            return;
        }
        DocStream.Event unread = stream.unread();
        if (unread != null) {
            throw new AssertionError("the hub sent " + unread + " that the document does not show");
        }
    }

    /** An event's lines in order; a {@code data} line holding JSON is compared as JSON. */
    private void event(SseEvent expected, List<Field> actual) {
        List<String> names = expected.fields().stream().map(Field::name).toList();
        if (!names.equals(actual.stream().map(Field::name).toList())) {
            throw new AssertionError("the document shows an event with the lines " + names + ", but the hub sent "
                    + actual);
        }
        Placeholders.Answer answer = placeholders.answer(actual.toString());
        for (int i = 0; i < names.size(); i++) {
            String want = expected.fields().get(i).value();
            String got = actual.get(i).value();
            if (names.get(i).equals("data") && want.startsWith("{")) {
                answer.json(want, got);
            } else {
                answer.text(want, got);
            }
        }
        answer.commit();
    }

    private void ws(WsExample example) {
        String owner = example.peer().attribute() + " " + example.label();
        if (example.handshake().isPresent()) {
            handshake(owner, example.handshake().get());
        }
        if (example.steps().isEmpty()) {
            return;
        }
        DocSocket socket = sockets.get(owner);
        if (socket == null) {
            throw new AssertionError("no open WebSocket for " + owner + "; an earlier example must open one");
        }
        for (Step step : example.steps()) {
            step(socket, step);
        }
        nothingUnread(socket, "after its last frame");
    }

    private void handshake(String owner, ProtocolDoc.Handshake handshake) {
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
        sockets.put(owner, socket);
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
        } else if (step instanceof SendClose close) {
            nothingUnread(socket, "before → (close " + close.code() + ")");
            socket.sendClose(close.code(), close.reason() == null ? "" : placeholders.fill(close.reason()));
        } else if (step instanceof ClockMoves moves) {
            nothingUnread(socket, "before the clock moves");
            clock.advance(moves.ms());
            sleep(TIMERS_NOTICE_MS);
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
        Placeholders.Answer answer = head(expected, status, headers, shown);
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

    private Placeholders.Answer head(Response expected, int status, Map<String, List<String>> headers) {
        return head(expected, status, headers, status + " " + headers);
    }

    /** Compares the status and the headers the document shows; the caller compares the body and commits. */
    private Placeholders.Answer head(Response expected, int status, Map<String, List<String>> headers, String shown) {
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
        return answer;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
        streams.values().forEach(DocStream::close);
        pending.values().forEach(answer -> answer.cancel(true));
    }
}
