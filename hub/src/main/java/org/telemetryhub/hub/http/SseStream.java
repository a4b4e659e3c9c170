package org.telemetryhub.hub.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.telemetryhub.hub.rooms.DashboardMessage;
import org.telemetryhub.hub.core.SessionEnd;
import org.telemetryhub.hub.rooms.DashboardSession;
import org.telemetryhub.protocol.Wire;

/**
 * A device's room as Server-Sent Events: each reading is an event whose {@code id} is its offset, so a client that
 * reconnects with {@code Last-Event-ID} resumes exactly after it. Writes go out one at a time, in order. When its
 * session ends, a last event {@code session_ended} says why, and the stream ends.
 */
final class SseStream implements DashboardSession.Sink {

    private record Pending(byte[] bytes, Runnable done) {}

    private final Response response;
    private final Callback finished;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean ended;
    private Runnable onEnd = () -> { };

    SseStream(Response response, Callback finished) {
        this.response = response;
        this.finished = finished;
    }

    void onEnd(Runnable onEnd) {
        this.onEnd = onEnd;
    }

    @Override
    public void send(DashboardMessage message, Runnable done) {
        enqueue(encode(message), done);
    }

    /** A comment line that keeps proxies and the connection from timing out, and notices a client that left. */
    void heartbeat() {
        enqueue(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8), () -> { });
    }

    @Override
    public void close(String reason) {
        last("error", java.util.Map.of("error", "closed", "message", reason));
    }

    void sessionEnded(SessionEnd.Reason reason) {
        last("session_ended", DashboardMessage.Error.of("session_ended", reason.sentence(), null, null));
    }

    /** One last event, then the stream ends. */
    private void last(String event, Object data) {
        enqueue(("event: " + event + "\ndata: " + Wire.encode(data) + "\n\n").getBytes(StandardCharsets.UTF_8),
                () -> end(null));
    }

    static byte[] encode(DashboardMessage message) {
        StringBuilder out = new StringBuilder();
        if (message instanceof DashboardMessage.DeviceSubscribed subscribed) {
            subscribed.readings().forEach(reading -> event(out, reading));
        } else {
            event(out, message);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void event(StringBuilder out, DashboardMessage message) {
        if (message instanceof DashboardMessage.Reading reading) {
            out.append("id: ").append(reading.offset()).append('\n');
        }
        out.append("event: ").append(message.type()).append('\n')
                .append("data: ").append(Wire.encode(message)).append("\n\n");
    }

    private void enqueue(byte[] bytes, Runnable done) {
        synchronized (this) {
            if (ended) {
                done.run();
                return;
            }
            queue.addLast(new Pending(bytes, done));
            if (writing) {
                return;
            }
            writing = true;
        }
        writeNext();
    }

    private void writeNext() {
        Pending next;
        synchronized (this) {
            next = queue.pollFirst();
            if (next == null || ended) {
                writing = false;
                return;
            }
        }
        if (next.bytes().length == 0) {
            next.done().run();
            writeNext();
            return;
        }
        response.write(false, ByteBuffer.wrap(next.bytes()), Callback.from(() -> {
            next.done().run();
            writeNext();
        }, failure -> {
            next.done().run();
            end(failure);
        }));
    }

    private void end(Throwable failure) {
        java.util.List<Pending> dropped;
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            dropped = java.util.List.copyOf(queue);
            queue.clear();
        }
        dropped.forEach(p -> p.done().run());
        onEnd.run();
        if (failure == null) {
            response.write(true, ByteBuffer.allocate(0), finished);
        } else {
            finished.failed(failure);
        }
    }
}
