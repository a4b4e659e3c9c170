package org.telemetryhub.hub.rooms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.StoredReading;

/**
 * A dashboard's subscription to one device: {@code sent} is the last offset delivered, {@code target} the last one
 * known. Live readings raise the target and wait in a bounded buffer for the fast path; whatever the buffer cannot
 * give in order is read from the store a page at a time, so a full buffer loses nothing. The feed's thread only
 * offers readings; everything else runs on the session's task.
 */
final class DeviceCursor {

    private static final int BUFFER = 256;
    private static final int PAGE = 500;

    private final DeviceRef device;
    private final ReadingStore store;
    private final Outbox outbox;
    private final Runnable lagged;
    private final ArrayDeque<StoredReading> buffer = new ArrayDeque<>();
    private Feed.Registration registration;
    private long sent;
    private long target;
    private boolean lagging;

    /** {@code lagged} runs each time the cursor starts to lag, once per lagging period. */
    DeviceCursor(DeviceRef device, ReadingStore store, Outbox outbox, Runnable lagged) {
        this.device = device;
        this.store = store;
        this.outbox = outbox;
        this.lagged = lagged;
    }

    DeviceRef device() {
        return device;
    }

    /** Hears the device's room; before {@link #start}, so nothing committed meanwhile falls between the two. */
    void listen(Feed feed, Consumer<FeedEvent> listener) {
        registration = feed.listen(device.key(), listener);
    }

    void close() {
        registration.close();
    }

    /**
     * Sends the {@code subscribed} snapshot: the last {@code snapshotLimit} readings, or up to that many after
     * {@code after} (told as truncated when retention removed some of them) with the device's active alerts, and
     * aims the cursor at the rest.
     */
    void start(Long after, int snapshotLimit, List<Alert> alerts) {
        long last = store.lastOffset(device.key());
        long start = after == null ? Math.max(0, last - snapshotLimit) : Math.min(after, last);
        long first = store.firstOffset(device.key());
        if (start < first - 1) {
            if (after != null) {
                outbox.control(new DashboardMessage.Truncated("truncated", device.id(), first));
            }
            start = first - 1;
        }
        List<StoredReading> page = store.after(device.key(), start, snapshotLimit + 1);
        boolean more = page.size() > snapshotLimit;
        if (more) {
            page = page.subList(0, snapshotLimit);
        }
        List<DashboardMessage.Reading> readings = new ArrayList<>(page.size());
        for (StoredReading stored : page) {
            readings.add(DashboardMessage.Reading.of(device, stored));
        }
        outbox.send(new DashboardMessage.DeviceSubscribed("subscribed", device.id(), readings, more, alerts));
        sent = page.isEmpty() ? start : page.get(page.size() - 1).offset();
        raiseTarget(Math.max(sent, more ? store.lastOffset(device.key()) : sent));
    }

    synchronized void offer(StoredReading stored) {
        target = Math.max(target, stored.offset());
        if (buffer.size() < BUFFER) {
            buffer.addLast(stored);
        }
    }

    synchronized long target() {
        return target;
    }

    /** Delivers readings in offset order up to {@code limit}, as far as the outbox allows. */
    void drain(long limit) {
        while (!outbox.isClosed() && sent < limit) {
            if (outbox.room() <= 0) {
                if (!lagging && target() > sent) {
                    lagging = true;
                    lagged.run();
                    outbox.control(new DashboardMessage.Lag("lag", device.id(), target() - sent));
                }
                return;
            }
            StoredReading next = nextBuffered();
            if (next != null) {
                deliver(next);
                continue;
            }
            if (sent >= target()) {
                lagging = false;
                return;
            }
            int room = (int) Math.min(Math.min(PAGE, outbox.room()), limit - sent);
            List<StoredReading> page = store.after(device.key(), sent, room);
            if (page.isEmpty()) {
                return;
            }
            if (page.get(0).offset() > sent + 1) {
                outbox.control(new DashboardMessage.Truncated("truncated", device.id(), page.get(0).offset()));
            }
            for (StoredReading stored : page) {
                deliver(stored);
            }
        }
    }

    /**
     * Delivers what the buffer holds in order, as far as the outbox has room, and never reads the store; true when
     * the cursor is caught up, false when the rest needs {@link #drain}.
     */
    boolean drainBuffered() {
        StoredReading next;
        while (!outbox.isClosed() && outbox.room() > 0 && (next = nextBuffered()) != null) {
            deliver(next);
        }
        if (sent >= target()) {
            lagging = false;
            return true;
        }
        return false;
    }

    private synchronized void raiseTarget(long offset) {
        target = Math.max(target, offset);
    }

    /** The next reading in order from the buffer, if it holds it. */
    private synchronized StoredReading nextBuffered() {
        while (!buffer.isEmpty() && buffer.peekFirst().offset() <= sent) {
            buffer.pollFirst();
        }
        StoredReading head = buffer.peekFirst();
        if (head != null && head.offset() == sent + 1) {
            return buffer.pollFirst();
        }
        return null;
    }

    private void deliver(StoredReading stored) {
        outbox.send(DashboardMessage.Reading.of(device, stored));
        sent = stored.offset();
    }
}
