package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.Operator;
import org.telemetryhub.hub.core.ReadingStore;

/**
 * One dashboard (a WebSocket or an SSE stream) and its subscriptions. Each device subscription is a
 * {@link DeviceCursor} on the device's offsets: live events only move the cursor's target and carry the readings for
 * the fast path; whatever the cursor cannot take from them in order it reads from the store. So the stream has no
 * gap and no duplicate whatever the timing, a subscription needs no lock against the commit, and a slow dashboard
 * costs a bounded {@link Outbox} and a bounded buffer, then catches up from the store. All state changes run one
 * task at a time. A session is given what it uses and reports through its {@link Listener}, so it never needs the
 * rooms that opened it.
 */
public final class DashboardSession {

    /** Where messages go: the transport's send with a completion callback. */
    public interface Sink {
        void send(DashboardMessage message, Runnable done);

        void close(String reason);
    }

    /** A device's open and acknowledged alerts, for its snapshot. */
    @FunctionalInterface
    public interface ActiveAlerts {
        List<Alert> of(long deviceKey);
    }

    /** How many readings a subscription's snapshot holds, and how many messages the outbox. */
    record Limits(int snapshot, int outbox) {}

    /** What the rooms watch: sessions that end or fail, the outbox's size, and cursors that start to lag. */
    interface Listener {
        void closed(DashboardSession session);

        void failed(DashboardSession session, RuntimeException e);

        void outboxSize(int size);

        void lagged();
    }

    private final Operator operator;
    private final Sink sink;
    private final RoomAccess access;
    private final ReadingStore store;
    private final Feed feed;
    private final NamespaceSummaries summaries;
    private final ActiveAlerts alerts;
    private final int snapshotLimit;
    private final Executor executor;
    private final Listener listener;
    private final Outbox outbox;
    private final Map<Long, DeviceCursor> cursors = new HashMap<>();
    private final Map<String, Feed.Registration> namespaces = new HashMap<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean drainWanted = new AtomicBoolean();

    DashboardSession(Operator operator, Sink sink, RoomAccess access, ReadingStore store, Feed feed,
                     NamespaceSummaries summaries, ActiveAlerts alerts, Limits limits, Clock clock, Executor executor,
                     Listener listener) {
        this.operator = operator;
        this.sink = sink;
        this.access = access;
        this.store = store;
        this.feed = feed;
        this.summaries = summaries;
        this.alerts = alerts;
        this.snapshotLimit = limits.snapshot();
        this.executor = executor;
        this.listener = listener;
        this.outbox = new Outbox(sink, limits.outbox(), clock, listener::outboxSize, this::wake);
    }

    public Operator operator() {
        return operator;
    }

    public void subscribeDevice(String deviceId, Long after) {
        submit(() -> {
            RoomAccess.Verdict verdict = access.device(operator, deviceId);
            if (verdict.refusal() != null) {
                outbox.control(verdict.refusal());
                return;
            }
            subscribe(verdict.device(), after);
        });
    }

    public void subscribeNamespace(String namespace) {
        submit(() -> {
            DashboardMessage.Error refusal = access.namespaceRefusal(operator, namespace);
            if (refusal != null) {
                outbox.control(refusal);
                return;
            }
            Feed.Registration old = namespaces.remove(namespace);
            if (old != null) {
                old.close();
            }
            namespaces.put(namespace, summaries.listen(namespace, message -> submit(() -> outbox.control(message))));
            outbox.send(new DashboardMessage.NamespaceSubscribed("subscribed", namespace,
                    summaries.snapshot(namespace)));
        });
    }

    public void unsubscribeDevice(String deviceId) {
        submit(() -> cursors.values().removeIf(cursor -> {
            if (cursor.device().id().equals(deviceId)) {
                cursor.close();
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
        submit(() -> outbox.control(message));
    }

    public void close() {
        outbox.close();
        submit(() -> {
            cursors.values().forEach(DeviceCursor::close);
            cursors.clear();
            namespaces.values().forEach(Feed.Registration::close);
            namespaces.clear();
            listener.closed(this);
        });
    }

    int outstanding() {
        return outbox.outstanding();
    }

    /** True when the outbox has been full with nothing leaving it for longer than the given time. */
    boolean isStuck(long now, long hopelessMs) {
        return outbox.isStuck(now, hopelessMs);
    }

    void abandon(String reason) {
        sink.close(reason);
    }

    private void subscribe(DeviceRef device, Long after) {
        DeviceCursor old = cursors.remove(device.key());
        if (old != null) {
            old.close();
        }
        DeviceCursor cursor = new DeviceCursor(device, store, outbox, listener::lagged);
        cursor.listen(feed, event -> onEvent(cursor, event));
        cursors.put(device.key(), cursor);
        cursor.start(after, snapshotLimit, alerts.of(device.key()));
        drainWanted.set(true);
    }

    private void onEvent(DeviceCursor cursor, FeedEvent event) {
        if (outbox.isClosed()) {
            return;
        }
        if (event instanceof FeedEvent.ReadingCommitted committed) {
            cursor.offer(committed.stored());
            readingArrived();
        } else if (event instanceof FeedEvent.Rejected rejected) {
            submit(() -> {
                if (outbox.room() > 0) {
                    outbox.send(DashboardMessage.Rejection.of(rejected));
                }
            });
        } else if (event instanceof FeedEvent.CommandChanged changed) {
            submit(() -> {
                if (outbox.room() > 0) {
                    outbox.send(DashboardMessage.CommandUpdate.of(changed));
                }
            });
        } else if (event instanceof FeedEvent.PresenceChanged presence) {
            afterReadings(cursor, DashboardMessage.Presence.of(presence));
        } else if (event instanceof FeedEvent.AlertChanged alert) {
            afterReadings(cursor, DashboardMessage.AlertUpdate.of(alert));
        }
    }

    /** Sends a control message after the readings the cursor knew of when it was caused, which may have caused it. */
    private void afterReadings(DeviceCursor cursor, DashboardMessage message) {
        long readingsBefore = cursor.target();
        submit(() -> {
            if (cursors.get(cursor.device().key()) != cursor) {
                return;
            }
            outbox.flushControl();
            cursor.drain(readingsBefore);
            outbox.control(message);
        });
    }

    private void drain() {
        outbox.flushControl();
        for (DeviceCursor cursor : cursors.values()) {
            cursor.drain(Long.MAX_VALUE);
        }
    }

    private void submit(Runnable task) {
        tasks.add(task);
        schedule();
    }

    private void wake() {
        drainWanted.set(true);
        schedule();
    }

    /**
     * A live reading: when the session is idle with nothing queued, the feed's thread hands on what the cursors'
     * buffers hold in order, as far as the outbox has room (writes to the transport that never block); whatever needs
     * the store or a lag notice is left to the session's task. A caught-up dashboard so gets a reading without a
     * hand-off to another thread.
     */
    private void readingArrived() {
        drainWanted.set(true);
        if (!tasks.isEmpty() || !running.compareAndSet(false, true)) {
            schedule();
            return;
        }
        turn(this::drainBuffered);
    }

    private void drainBuffered() {
        if (drainWanted.getAndSet(false) && !outbox.isClosed()) {
            outbox.flushControl();
            boolean left = false;
            for (DeviceCursor cursor : cursors.values()) {
                left |= !cursor.drainBuffered();
            }
            if (left) {
                drainWanted.set(true);
            }
        }
    }

    private void schedule() {
        if (running.compareAndSet(false, true)) {
            executor.execute(() -> turn(this::runTasks));
        }
    }

    private void runTasks() {
        Runnable task;
        int ran = 0;
        while (ran++ < 64 && (task = tasks.poll()) != null) {
            task.run();
        }
        if (drainWanted.getAndSet(false) && !outbox.isClosed()) {
            drain();
        }
    }

    /** One turn of the session, by whoever holds {@code running}: then it lets go, and asks for the next if due. */
    private void turn(Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            listener.failed(this, e);
        } finally {
            running.set(false);
            if (!tasks.isEmpty() || drainWanted.get()) {
                schedule();
            }
        }
    }
}
