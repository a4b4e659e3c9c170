package org.telemetryhub.hub.docs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs/protocol.md} as the test reads it: the settings of the examples' hub and every worked example, in
 * document order. Every fenced block must be an example, an example's answer or the settings; anything else fails
 * the parse, so no example can sit in the document unchecked.
 */
final class ProtocolDoc {

    /** One line of a request or response head. */
    record Header(String name, String value) {}

    /** A request as the document writes it; the body is null when there is none. */
    record Request(String method, String target, List<Header> headers, String body) {}

    /** An answer as the document writes it; the body is null when there is none. */
    record Response(int status, List<Header> headers, String body) {}

    sealed interface Example {
        String name();

        int line();

        String title();
    }

    /**
     * {@code ```http example=<name>} followed by its {@code ```http response}; or, marked {@code pending}, a request
     * whose answer is a {@link PendingAnswer} further down (the response is then null).
     */
    record HttpExample(String name, int line, Request request, Response response) implements Example {
        boolean pending() {
            return response == null;
        }

        public String title() {
            return name + ": " + request.method() + " " + request.target() + " → "
                    + (pending() ? "answered further down" : response.status());
        }
    }

    /** {@code ```http response to=<name>}: the answer to the pending request of that name, checked here. */
    record PendingAnswer(String name, int line, Response response) implements Example {
        public String title() {
            return name + ": its answer → " + response.status();
        }
    }

    /** Who holds a WebSocket: a device on {@code /ws/device} or an operator's dashboard on {@code /ws/dashboard}. */
    enum Peer {
        DEVICE, DASHBOARD;

        String attribute() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code ```ws example=<name> device=<label>} or {@code dashboard=<label>}: an optional handshake (request and
     * answer), then frames. Without a handshake the frames continue the connection last opened under the same label.
     */
    record WsExample(String name, int line, Peer peer, String label, Optional<Handshake> handshake, List<Step> steps)
            implements Example {
        public String title() {
            return name + ": " + handshake.map(h -> "GET " + h.request().target() + " → " + h.response().status())
                    .orElse("WebSocket of " + peer.attribute() + " " + label);
        }
    }

    /**
     * {@code ```sse example=<name> stream=<label>}: an optional request and its 200 answer, then Server-Sent Events,
     * and a last line {@value #STREAM_ENDS} when the hub ends the stream after them. Without a request the events
     * continue the stream last opened under the same label.
     */
    record SseExample(String name, int line, String stream, Optional<Handshake> opening, List<SseEvent> events,
                      boolean ends) implements Example {
        public String title() {
            return name + ": " + opening.map(h -> "GET " + h.request().target() + " → " + h.response().status())
                    .orElse("events of stream " + stream);
        }
    }

    /** One line of an event: {@code id: 5}, {@code event: reading}, {@code data: {...}}. */
    record Field(String name, String value) {}

    /** An event: its lines up to the blank line that ends it. */
    record SseEvent(List<Field> fields) {}

    record Handshake(Request request, Response response) {}

    sealed interface Step {}

    /** {@code → <json>}: a text frame from the device. */
    record Send(String frame) implements Step {}

    /** {@code → (binary, N bytes)} or {@code → (text, N bytes)}: a frame described by its size. */
    record SendSized(boolean binary, int bytes) implements Step {}

    /** {@code ← <json>}: the next frame from the hub. */
    record Receive(String frame) implements Step {}

    /** {@code ← (close N)} or {@code ← (close N "reason")}: the hub closes the socket. */
    record Close(int code, String reason) implements Step {}

    /** {@code → (close N)} or {@code → (close N "reason")}: the client closes the socket. */
    record SendClose(int code, String reason) implements Step {}

    /** {@code (the hub's clock moves on N ms)}: the test clock jumps ahead; the hub's timers get time to notice. */
    record ClockMoves(long ms) implements Step {}

    /** The document does not follow the convention; the message names the line. */
    static final class FormatException extends IllegalArgumentException {
        FormatException(int line, String message) {
            super("docs/protocol.md line " + line + ": " + message);
        }
    }

    private record Block(int line, String language, Map<String, String> attributes, List<String> lines) {}

    static final Pattern SIZED_BODY = Pattern.compile("\\((\\d+) bytes\\)");
    private static final Pattern SIZED_FRAME = Pattern.compile("\\((binary|text), (\\d+) bytes\\)");
    /** The last line of an sse example whose stream the hub ends. */
    static final String STREAM_ENDS = "(the hub ends the stream)";
    private static final Pattern CLOSE = Pattern.compile("\\(close (\\d{4})(?: \"(.*)\")?\\)");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3})(?: .*)?");
    private static final Pattern REQUEST_LINE = Pattern.compile("([A-Z]+) (/\\S*)(?: HTTP/1\\.1)?");
    private static final Pattern CLOCK = Pattern.compile("\\(the hub's clock moves on (\\d+) ms\\)");
    /** A fence (no backtick in its info string, as in CommonMark) that opens an example or an answer. */
    private static final Pattern EXAMPLE_MARK = Pattern.compile("(?m)^```[^`\\s]+ [^`\\n]*\\b(?:example|to)=");

    private final Map<String, String> settings;
    private final List<Example> examples;

    private ProtocolDoc(Map<String, String> settings, List<Example> examples) {
        this.settings = settings;
        this.examples = examples;
    }

    Map<String, String> settings() {
        return settings;
    }

    List<Example> examples() {
        return examples;
    }

    /** How many fences open an example or a pending request's answer, counted on the raw text, apart from the parse. */
    static int exampleMarks(String markdown) {
        return (int) EXAMPLE_MARK.matcher(markdown).results().count();
    }

    static ProtocolDoc parse(String markdown) {
        List<Block> blocks = blocks(markdown);
        Map<String, String> settings = null;
        List<Example> examples = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> waiting = new LinkedHashSet<>();
        for (int i = 0; i < blocks.size(); i++) {
            Block block = blocks.get(i);
            String name = block.attributes().get("example");
            String answerTo = block.attributes().get("to");
            if (block.language().equals("http") && block.attributes().containsKey("response") && answerTo != null) {
                if (!waiting.remove(answerTo)) {
                    throw new FormatException(block.line(), "this answer is to " + answerTo + ", but no pending "
                            + "request of that name waits above it");
                }
                examples.add(new PendingAnswer(answerTo, block.line(), response(block.line(), block.lines())));
                continue;
            }
            if (block.language().equals("yaml") && block.attributes().containsKey("settings")) {
                if (settings != null) {
                    throw new FormatException(block.line(), "a second settings block; there must be one");
                }
                settings = settings(block);
                continue;
            }
            if (name == null) {
                throw new FormatException(block.line(), "this block is no example: every fenced block must be "
                        + "```http example=<name> (followed by its ```http response, or marked pending and answered "
                        + "by a later ```http response to=<name>), ```ws example=<name> device=<label> or "
                        + "dashboard=<label>, ```sse example=<name> stream=<label>, or the one ```yaml settings");
            }
            if (!names.add(name)) {
                throw new FormatException(block.line(), "example " + name + " is named twice");
            }
            if (block.language().equals("http") && block.attributes().containsKey("pending")) {
                waiting.add(name);
                examples.add(new HttpExample(name, block.line(), request(block.line(), block.lines()), null));
            } else if (block.language().equals("http")) {
                if (i + 1 >= blocks.size() || !blocks.get(i + 1).language().equals("http")
                        || !blocks.get(i + 1).attributes().containsKey("response")) {
                    throw new FormatException(block.line(), "example " + name
                            + " must be followed by its ```http response block");
                }
                Block answer = blocks.get(++i);
                examples.add(new HttpExample(name, block.line(), request(block.line(), block.lines()),
                        response(answer.line(), answer.lines())));
            } else if (block.language().equals("ws")) {
                examples.add(ws(name, block));
            } else if (block.language().equals("sse")) {
                examples.add(sse(name, block));
            } else {
                throw new FormatException(block.line(), "example " + name + " must be an http, ws or sse block");
            }
        }
        if (!waiting.isEmpty()) {
            throw new FormatException(1, "pending request " + waiting.iterator().next()
                    + " never gets its ```http response to=<name>");
        }
        if (settings == null) {
            throw new FormatException(1, "the ```yaml settings block of the examples' hub is missing");
        }
        return new ProtocolDoc(settings, List.copyOf(examples));
    }

    private static List<Block> blocks(String markdown) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            if (!line.startsWith("```") || line.substring(3).contains("`")) {
                continue; // as in CommonMark, a backtick in the info string makes it inline code, not a fence
            }
            int start = i + 1;
            String[] info = line.substring(3).trim().split("\\s+");
            if (info[0].isEmpty()) {
                throw new FormatException(start, "a fenced block needs a language: http, ws, sse or yaml");
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (int k = 1; k < info.length; k++) {
                int eq = info[k].indexOf('=');
                attributes.put(eq < 0 ? info[k] : info[k].substring(0, eq), eq < 0 ? "" : info[k].substring(eq + 1));
            }
            List<String> body = new ArrayList<>();
            i++;
            while (i < lines.length && !lines[i].stripTrailing().equals("```")) {
                body.add(lines[i].stripTrailing());
                i++;
            }
            if (i >= lines.length) {
                throw new FormatException(start, "this fenced block is never closed");
            }
            blocks.add(new Block(start, info[0], attributes, body));
        }
        return blocks;
    }

    private static Map<String, String> settings(Block block) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int k = 0; k < block.lines().size(); k++) {
            String line = block.lines().get(k).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                throw new FormatException(block.line() + 1 + k, "a setting must read `key: value`");
            }
            settings.put(line.substring(0, colon).trim(), line.substring(colon + 2).trim());
        }
        return settings;
    }

    private static Request request(int line, List<String> lines) {
        Cursor cursor = new Cursor(line, lines);
        Request head = request(cursor);
        return new Request(head.method(), head.target(), head.headers(), body(cursor));
    }

    /** A request line and its headers, up to the blank line that ends them; no body. */
    private static Request request(Cursor cursor) {
        String first = cursor.next();
        Matcher m = REQUEST_LINE.matcher(first == null ? "" : first);
        if (!m.matches()) {
            throw new FormatException(cursor.line(), "a request starts with `METHOD /path`, but was: " + first);
        }
        return new Request(m.group(1), m.group(2), headers(cursor), null);
    }

    private static Response response(int line, List<String> lines) {
        Cursor cursor = new Cursor(line, lines);
        return new Response(status(cursor), headers(cursor), body(cursor));
    }

    private static int status(Cursor cursor) {
        String first = cursor.next();
        Matcher m = STATUS_LINE.matcher(first == null ? "" : first);
        if (!m.matches()) {
            throw new FormatException(cursor.line(), "an answer starts with `HTTP/1.1 <status>`, but was: " + first);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Header lines up to a blank line, a frame or the end. */
    private static List<Header> headers(Cursor cursor) {
        List<Header> headers = new ArrayList<>();
        while (cursor.hasNext() && !cursor.peek().isEmpty() && !isFrame(cursor.peek())) {
            String line = cursor.next();
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new FormatException(cursor.line(), "a header must read `Name: value`, but was: " + line);
            }
            headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return headers;
    }

    /** Everything after the blank line that ends the head; null when nothing follows. */
    private static String body(Cursor cursor) {
        List<String> rest = new ArrayList<>();
        while (cursor.hasNext()) {
            rest.add(cursor.next());
        }
        String body = String.join("\n", rest).strip();
        return body.isEmpty() ? null : body;
    }

    private static WsExample ws(String name, Block block) {
        String device = block.attributes().get("device");
        String dashboard = block.attributes().get("dashboard");
        if ((device == null) == (dashboard == null) || (device != null ? device : dashboard).isEmpty()) {
            throw new FormatException(block.line(), "ws example " + name + " needs device=<label> or "
                    + "dashboard=<label>");
        }
        Cursor cursor = new Cursor(block.line(), block.lines());
        cursor.skipBlank();
        Optional<Handshake> handshake = Optional.empty();
        if (cursor.hasNext() && cursor.peek().startsWith("GET ")) {
            String first = cursor.next();
            Matcher m = REQUEST_LINE.matcher(first);
            if (!m.matches()) {
                throw new FormatException(cursor.line(), "a handshake starts with `GET /path`, but was: " + first);
            }
            Request request = new Request("GET", m.group(2), headers(cursor), null);
            cursor.skipBlank();
            int status = status(cursor);
            List<Header> headers = headers(cursor);
            cursor.skipBlank();
            String body = null;
            if (status != 101) {
                body = body(cursor);
            }
            handshake = Optional.of(new Handshake(request, new Response(status, headers, body)));
        }
        List<Step> steps = steps(cursor);
        if (handshake.isEmpty() && steps.isEmpty()) {
            throw new FormatException(block.line(), "ws example " + name + " has neither a handshake nor frames");
        }
        return new WsExample(name, block.line(), device != null ? Peer.DEVICE : Peer.DASHBOARD,
                device != null ? device : dashboard, handshake, steps);
    }

    private static SseExample sse(String name, Block block) {
        String stream = block.attributes().get("stream");
        if (stream == null || stream.isEmpty()) {
            throw new FormatException(block.line(), "sse example " + name + " needs stream=<label>");
        }
        Cursor cursor = new Cursor(block.line(), block.lines());
        cursor.skipBlank();
        Optional<Handshake> opening = Optional.empty();
        if (cursor.hasNext() && cursor.peek().startsWith("GET ")) {
            Request request = request(cursor);
            cursor.skipBlank();
            int status = status(cursor);
            if (status != 200) {
                throw new FormatException(cursor.line(), "a stream that is refused is an ```http example; an sse "
                        + "example opens with 200");
            }
            opening = Optional.of(new Handshake(request, new Response(status, headers(cursor), null)));
        }
        List<SseEvent> events = new ArrayList<>();
        boolean ends = false;
        while (true) {
            cursor.skipBlank();
            if (!cursor.hasNext()) {
                break;
            }
            if (cursor.peek().equals(STREAM_ENDS)) {
                cursor.next();
                cursor.skipBlank();
                if (cursor.hasNext()) {
                    throw new FormatException(cursor.line(), STREAM_ENDS + " must be the last line of its example");
                }
                ends = true;
                break;
            }
            List<Field> fields = new ArrayList<>();
            while (cursor.hasNext() && !cursor.peek().isBlank()) {
                String line = cursor.next();
                int colon = line.indexOf(": ");
                if (colon <= 0) {
                    throw new FormatException(cursor.line(), "an event line must read `field: value`, but was: "
                            + line);
                }
                fields.add(new Field(line.substring(0, colon), line.substring(colon + 2)));
            }
            events.add(new SseEvent(List.copyOf(fields)));
        }
        if (opening.isEmpty() && events.isEmpty()) {
            throw new FormatException(block.line(), "sse example " + name + " has neither a request nor events");
        }
        return new SseExample(name, block.line(), stream, opening, List.copyOf(events), ends);
    }

    private static List<Step> steps(Cursor cursor) {
        List<String> frames = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        while (cursor.hasNext()) {
            String line = cursor.next();
            if (line.isBlank()) {
                continue;
            }
            if (isFrame(line) || CLOCK.matcher(line).matches()) {
                frames.add(line);
                lines.add(cursor.line());
            } else if (Character.isWhitespace(line.charAt(0)) && !frames.isEmpty()) {
                frames.set(frames.size() - 1, frames.get(frames.size() - 1) + "\n" + line);
            } else {
                throw new FormatException(cursor.line(), "a frame line starts with → (client to hub) or ← "
                        + "(hub to client), and continues on indented lines; or it reads (the hub's clock moves on "
                        + "N ms); but was: " + line);
            }
        }
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k < frames.size(); k++) {
            steps.add(step(lines.get(k), frames.get(k)));
        }
        return steps;
    }

    private static Step step(int line, String frame) {
        Matcher clock = CLOCK.matcher(frame);
        if (clock.matches()) {
            return new ClockMoves(Long.parseLong(clock.group(1)));
        }
        boolean toHub = frame.startsWith("→");
        String text = frame.substring(1).strip();
        Matcher sized = SIZED_FRAME.matcher(text);
        if (toHub && sized.matches()) {
            return new SendSized(sized.group(1).equals("binary"), Integer.parseInt(sized.group(2)));
        }
        Matcher close = CLOSE.matcher(text);
        if (close.matches()) {
            int code = Integer.parseInt(close.group(1));
            return toHub ? new SendClose(code, close.group(2)) : new Close(code, close.group(2));
        }
        if (!text.startsWith("{")) {
            throw new FormatException(line, "a frame is a JSON object, (binary|text, N bytes) from the client, or "
                    + "(close N \"reason\"), but was: " + text);
        }
        return toHub ? new Send(text) : new Receive(text);
    }

    private static boolean isFrame(String line) {
        return line.startsWith("→") || line.startsWith("←");
    }

    /** Walks a block's lines and knows their line numbers in the document. */
    private static final class Cursor {
        private final int firstLine;
        private final List<String> lines;
        private int next;

        Cursor(int fenceLine, List<String> lines) {
            this.firstLine = fenceLine + 1;
            this.lines = lines;
        }

        boolean hasNext() {
            return next < lines.size();
        }

        String peek() {
            return lines.get(next);
        }

        String next() {
            return hasNext() ? lines.get(next++) : null;
        }

        void skipBlank() {
            while (hasNext() && peek().isBlank()) {
                next++;
            }
        }

        /** The document line of the line last returned. */
        int line() {
            return firstLine + Math.max(0, next - 1);
        }
    }
}
