package org.telemetryhub.hub.rooms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.telemetryhub.hub.store.DeviceRef;
import org.telemetryhub.hub.store.OperatorStore.Operator;
import org.telemetryhub.hub.store.ReadingStore.StoredReading;

/**
 * One dashboard (a WebSocket or an SSE stream) and its subscriptions. Each device subscription is a cursor on the
 * device's offsets: live events only move the cursor's target and carry the readings for the fast path; whatever
 * the cursor cannot take from them in order it reads from the store. So the stream has no gap and no duplicate
 * whatever the timing, a subscription needs no lock against the commit, and a slow dashboard costs a bounded
 * outbox and a bounded buffer, then catches up from the store. All state changes run one task at a time.
 */
public final class DashboardSession {

    /** Where messages go: the transport's send with a completion callback. */
    public interface Sink {
        void send(DashboardMessage message, Runnable done);

        void close(String reason);
    }

    private static final int BUFFER = 256;
    private static final int PAGE = 500;

    private final Rooms rooms;
    private final Operator operator;
    private final Sink sink;
    private final Map<Long, Cursor> cursors = new HashMap<>();
    private final Map<String, Feed.Registration> namespaces = new HashMap<>();
    private final Map<String, DashboardMessage> pendingControl = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean drainWanted = new AtomicBoolean();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile long lastProgressAt;
    private volatile boolean closed;

    /** A device subscription: {@code sent} is the last offset delivered, {@code target} the last one known. */
    private final class Cursor {
        final DeviceRef device;
        final ArrayDeque<StoredReading> buffer = new ArrayDeque<>();
        Feed.Registration registration;
        long sent;
        long target;
        boolean lagging;

        Cursor(DeviceRef device) {
            this.device = device;
        }

        synchronized void offer(StoredReading stored) {
            target = Math.max(target, stored.offset());
            if (buffer.size() < BUFFER) {
                buffer.addLast(stored);
            }
        }

        /** The next reading in order from the buffer, if it holds it. */
        synchronized StoredReading nextBuffered() {
            while (!buffer.isEmpty() && buffer.peekFirst().offset() <= sent) {
                buffer.pollFirst();
            }
            StoredReading head = buffer.peekFirst();
            if (head != null && head.offset() == sent + 1) {
                return buffer.pollFirst();
            }
            return null;
        }

        synchronized long target() {
            return target;
        }

        synchronized void raiseTarget(long offset) {
            target = Math.max(target, offset);
        }
    }

    DashboardSession(Rooms rooms, Operator operator, Sink sink) {
        this.rooms = rooms;
        this.operator = operator;
        this.sink = sink;
        this.lastProgressAt = rooms.clock().millis();
    }

    public Operator operator() {
        return operator;
    }

    public void subscribeDevice(String deviceId, Long after) {
        submit(() -> {
            Rooms.Access access = rooms.access(operator, deviceId);
            if (access.refusal() != null) {
                control(access.refusal());
                return;
            }
            subscribe(access.device(), after);
        });
    }

    public void subscribeNamespace(String namespace) {
        submit(() -> {
            DashboardMessage.Error refusal = rooms.namespaceRefusal(operator, namespace);
            if (refusal != null) {
                control(refusal);
                return;
            }
            Feed.Registration old = namespaces.remove(namespace);
            if (old != null) {
                old.close();
            }
            namespaces.put(namespace, rooms.summaries().listen(namespace, message -> submit(() -> control(message))));
            send(new DashboardMessage.NamespaceSubscribed("subscribed", namespace,
                    rooms.summaries().snapshot(namespace)));
        });
    }

    public void unsubscribeDevice(String deviceId) {
        submit(() -> cursors.values().removeIf(cursor -> {
            if (cursor.device.id().equals(deviceId)) {
                cursor.registration.close();
                return true;
            }
            return false;
        }));
    }

    public void unsubscribeNamespace(String namespace) {
        submit(() -> {
            Feed.Registration registration = namespaces.remove(namespace);
            if (registration != null) {
                registration.close();
            }
        });
    }

    /** Sends a message that is not part of a subscription, e.g. an error answering a frame. */
    public void reply(DashboardMessage message) {
        submit(() -> control(message));
    }

    public void close() {
        closed = true;
        submit(() -> {
            cursors.values().forEach(cursor -> cursor.registration.close());
            cursors.clear();
            namespaces.values().forEach(Feed.Registration::close);
            namespaces.clear();
            rooms.closed(this);
        });
    }

    int outstanding() {
        return outstanding.get();
    }

    /** True when the outbox has been full with nothing leaving it for longer than the given time. */
    boolean isStuck(long now, long hopelessMs) {
        return outstanding.get() >= rooms.outboxLimit() - 1 && now - lastProgressAt > hopelessMs;
    }

    void abandon(String reason) {
        sink.close(reason);
    }

    private void subscribe(DeviceRef device, Long after) {
        Cursor old = cursors.remove(device.key());
        if (old != null) {
            old.registration.close();
        }
        Cursor cursor = new Cursor(device);
        cursor.registration = rooms.feed().listen(device.key(), event -> onEvent(cursor, event));
        cursors.put(device.key(), cursor);

        long last = rooms.store().lastOffset(device.key());
        long start = after == null ? Math.max(0, last - rooms.snapshotLimit()) : Math.min(after, last);
        long first = rooms.store().firstOffset(device.key());
        if (start < first - 1) {
            if (after != null) {
                control(new DashboardMessage.Truncated("truncated", device.id(), first));
            }
            start = first - 1;
        }
        List<StoredReading> page = rooms.store().after(device.key(), start, rooms.snapshotLimit() + 1);
        boolean more = page.size() > rooms.snapshotLimit();
        if (more) {
            page = page.subList(0, rooms.snapshotLimit());
        }
        List<DashboardMessage.Reading> readings = new ArrayList<>(page.size());
        for (StoredReading stored : page) {
            readings.add(DashboardMessage.Reading.of(device, stored));
        }
        send(new DashboardMessage.DeviceSubscribed("subscribed", device.id(), readings, more));
        cursor.sent = page.isEmpty() ? start : page.get(page.size() - 1).offset();
        cursor.raiseTarget(Math.max(cursor.sent, more ? rooms.store().lastOffset(device.key()) : cursor.sent));
        drainWanted.set(true);
    }

    private void onEvent(Cursor cursor, FeedEvent event) {
        if (closed) {
            return;
        }
        if (event instanceof FeedEvent.ReadingCommitted committed) {
            cursor.offer(committed.stored());
            wake();
        } else if (event instanceof FeedEvent.Rejected rejected) {
            submit(() -> {
                if (outstanding.get() < rooms.outboxLimit() - 1) {
                    send(Rooms.rejection(rejected));
                }
            });
        } else if (event instanceof FeedEvent.PresenceChanged presence) {
            long readingsBefore = cursor.target();
            submit(() -> {
                if (cursors.get(cursor.device.key()) != cursor) {
                    return;
                }
                flushControl();
                drain(cursor, readingsBefore);
                control(Rooms.presence(presence));
            });
        }
    }

    private void drain() {
        flushControl();
        for (Cursor cursor : cursors.values()) {
            drain(cursor, Long.MAX_VALUE);
        }
    }

    /** Delivers the cursor's readings in offset order up to {@code limit}, as far as the outbox allows. */
    private void drain(Cursor cursor, long limit) {
        while (!closed && cursor.sent < limit) {
            if (outstanding.get() >= rooms.outboxLimit() - 1) {
                if (!cursor.lagging && cursor.target() > cursor.sent) {
                    cursor.lagging = true;
                    rooms.lagged();
                    control(new DashboardMessage.Lag("lag", cursor.device.id(), cursor.target() - cursor.sent));
                }
                return;
            }
            StoredReading next = cursor.nextBuffered();
            if (next != null) {
                deliver(cursor, next);
                continue;
            }
            if (cursor.sent >= cursor.target()) {
                cursor.lagging = false;
                return;
            }
            int room = (int) Math.min(Math.min(PAGE, rooms.outboxLimit() - 1 - outstanding.get()),
                    limit - cursor.sent);
            List<StoredReading> page = rooms.store().after(cursor.device.key(), cursor.sent, room);
            if (page.isEmpty()) {
                return;
            }
            if (page.get(0).offset() > cursor.sent + 1) {
                control(new DashboardMessage.Truncated("truncated", cursor.device.id(), page.get(0).offset()));
            }
            for (StoredReading stored : page) {
                deliver(cursor, stored);
            }
        }
    }

    private void deliver(Cursor cursor, StoredReading stored) {
        send(DashboardMessage.Reading.of(cursor.device, stored));
        cursor.sent = stored.offset();
    }

    /** Sends now when the outbox has room; otherwise keeps the latest per kind and device for later. */
    private void control(DashboardMessage message) {
        if (outstanding.get() < rooms.outboxLimit()) {
            send(message);
        } else {
            pendingControl.put(message.type() + "/" + message.device(), message);
        }
    }

    private void flushControl() {
        var it = pendingControl.values().iterator();
        while (it.hasNext() && outstanding.get() < rooms.outboxLimit()) {
            send(it.next());
            it.remove();
        }
    }

    private void send(DashboardMessage message) {
        if (closed) {
            return;
        }
        rooms.observeOutbox(outstanding.incrementAndGet());
        sink.send(message, () -> {
            lastProgressAt = rooms.clock().millis();
            if (outstanding.decrementAndGet() <= rooms.outboxLimit() / 2) {
                wake();
            }
        });
    }

    private void submit(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void wake() {
        drainWanted.set(true);
        schedule();
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            rooms.executor().execute(this::run);
        }
    }

    private void run() {
        try {
            Runnable task;
            int ran = 0;
            while (ran++ < 64 && (task = tasks.poll()) != null) {
                task.run();
            }
            if (drainWanted.getAndSet(false) && !closed) {
                drain();
            }
        } catch (RuntimeException e) {
            rooms.failed(this, e);
        } finally {
            running.set(false);
            if (!tasks.isEmpty() || drainWanted.get()) {
                schedule();
            }
        }
    }
}
