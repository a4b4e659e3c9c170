package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A dashboard's outbox: the messages handed to the transport and not yet sent, at most {@code limit}. Readings and
 * rejections leave its last place free, so a control message (lag, truncated, presence, an error) fits at once or
 * waits as the latest of its kind for its device, and goes first once there is room. Messages are handed over on
 * the session's task only; the transport confirms them from its own threads.
 */
final class Outbox {

    private final DashboardSession.Sink sink;
    private final int limit;
    private final Clock clock;
    private final IntConsumer sizes;
    private final Runnable roomAgain;
    private final Map<String, DashboardMessage> pendingControl = new LinkedHashMap<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastProgressAt;
    /** Someone found the outbox full and waits for {@code roomAgain}. */
    private volatile boolean wanted;
    private volatile boolean closed;

    /**
     * {@code sizes} hears the outbox's size each time it grows; {@code roomAgain} runs when it has drained to half
     * after it was found full, so a dashboard that lagged resumes in large steps instead of one message at a time
     * (and one that keeps up costs no wake per message sent).
     */
    Outbox(DashboardSession.Sink sink, int limit, Clock clock, IntConsumer sizes, Runnable roomAgain) {
        this.sink = sink;
        this.limit = limit;
        this.clock = clock;
        this.sizes = sizes;
        this.roomAgain = roomAgain;
        this.lastProgressAt = clock.millis();
    }

    int outstanding() {
        return outstanding.get();
    }

    /**
     * How many readings or rejections fit now, keeping the last place for a control message. Finding none asks for
     * {@code roomAgain} once the outbox has drained to half (marked before looking again, so no send completes
     * unseen between the look and the mark).
     */
    int room() {
        int room = limit - 1 - outstanding.get();
        if (room > 0) {
            return room;
        }
        wanted = true;
        return limit - 1 - outstanding.get();
    }

    /** True when the outbox has been full with nothing leaving it for longer than the given time. */
    boolean isStuck(long now, long hopelessMs) {
        return room() <= 0 && now - lastProgressAt > hopelessMs;
    }

    /** Hands a message to the transport; the caller has checked {@link #room()} for readings and rejections. */
    void send(DashboardMessage message) {
        if (closed) {
            return;
        }
        sizes.accept(outstanding.incrementAndGet());
        sink.send(message, () -> {
            lastProgressAt = clock.millis();
            if (outstanding.decrementAndGet() <= limit / 2 && wanted) {
                wanted = false;
                roomAgain.run();
            }
        });
    }

    /** Sends now when the outbox has room; otherwise keeps the latest per kind and device for later. */
    void control(DashboardMessage message) {
        if (outstanding.get() < limit) {
            send(message);
        } else {
            pendingControl.put(message.coalescing(), message);
            flushControl();
        }
    }

    /** Sends the control messages that waited, oldest first, as far as there is room. */
    void flushControl() {
        var it = pendingControl.values().iterator();
        while (it.hasNext()) {
            if (outstanding.get() >= limit) {
                wanted = true;
                if (outstanding.get() >= limit) {
                    return;
                }
            }
            send(it.next());
            it.remove();
        }
    }

    /** Sends nothing more, from now on; messages already handed over still complete. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }
}
