package org.telemetryhub.hub.rooms;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Namespace rooms: a summary per device (presence, last seen, last seq, readings per second, rejected seqs and
 * holes), sent to the namespace's dashboards at most once per second per device, plus its presence events and alerts.
 * No raw readings, so a large fleet stays cheap to watch: a device's figures are read again from its cursor at most
 * once a second, and only when a reading or a rejection arrived.
 */
public final class NamespaceSummaries {

    private static final class Live {
        final String deviceId;
        final String namespace;
        String presence;
        final long key;
        ReadingCursor cursor;
        int readingsThisTick;
        double ratePerS;
        boolean dirty;
        boolean wrote;

        Live(String deviceId, String namespace, String presence, long key, ReadingCursor cursor) {
            this.deviceId = deviceId;
            this.namespace = namespace;
            this.presence = presence;
            this.key = key;
            this.cursor = cursor;
        }

        DashboardMessage.DeviceSummary summary() {
            return new DashboardMessage.DeviceSummary("device-summary", deviceId, presence, cursor.lastSeenAt(),
                    cursor.maxSeq(), ratePerS, cursor.rejected(), cursor.holes());
        }
    }

    private static final ReadingCursor NONE = new ReadingCursor(0, 0, 0, 0, 0, null);

    private final DeviceStore devices;
    private final Map<Long, Live> live = new ConcurrentHashMap<>();
    private final Map<String, Set<Consumer<DashboardMessage>>> listeners = new ConcurrentHashMap<>();
    private long lastTick;

    public NamespaceSummaries(DeviceStore devices, Feed feed) {
        this.devices = devices;
        this.lastTick = System.nanoTime();
        feed.listenAll(this::onEvent);
    }

    /** The current summaries of a namespace's devices, as {@code subscribed} carries them. */
    public List<DashboardMessage.DeviceSummary> snapshot(String namespace) {
        return devices.list().stream()
                .filter(state -> state.ref().namespace().equals(namespace))
                .map(state -> live(state).summary())
                .toList();
    }

    Feed.Registration listen(String namespace, Consumer<DashboardMessage> listener) {
        listeners.computeIfAbsent(namespace, n -> new CopyOnWriteArraySet<>()).add(listener);
        return () -> listeners.computeIfPresent(namespace, (n, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Once a second: rates for the last second, and a summary of every device that changed. */
    public void tick() {
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - lastTick) / 1e9);
        lastTick = now;
        for (Live device : live.values()) {
            boolean wrote;
            synchronized (device) {
                wrote = device.wrote;
                device.wrote = false;
            }
            // read outside the lock, so the commit's fan-out never waits for the store
            ReadingCursor fresh = wrote ? devices.cursor(device.key).orElse(null) : null;
            DashboardMessage.DeviceSummary summary;
            synchronized (device) {
                if (fresh != null) {
                    device.cursor = fresh;
                }
                double rate = device.readingsThisTick / seconds;
                device.readingsThisTick = 0;
                if (rate != device.ratePerS) {
                    device.ratePerS = Math.round(rate * 10) / 10.0;
                    device.dirty = true;
                }
                if (!device.dirty) {
                    continue;
                }
                device.dirty = false;
                summary = device.summary();
            }
            emit(device.namespace, summary);
        }
    }

    private void onEvent(FeedEvent event) {
        if (event instanceof FeedEvent.AlertChanged alert) {
            emit(event.device().namespace(), DashboardMessage.AlertUpdate.of(alert));
            return;
        }
        Live device = live.get(event.device().key());
        if (device == null) {
            if (!listeners.containsKey(event.device().namespace())) {
                return;
            }
            device = live.computeIfAbsent(event.device().key(), k -> load(event));
        }
        synchronized (device) {
            device.dirty = true;
            if (event instanceof FeedEvent.ReadingCommitted) {
                device.readingsThisTick++;
                device.wrote = true;
            } else if (event instanceof FeedEvent.Rejected) {
                device.wrote = true;
            } else if (event instanceof FeedEvent.PresenceChanged presence) {
                device.presence = presence.state();
            }
        }
        if (event instanceof FeedEvent.PresenceChanged presence) {
            emit(event.device().namespace(), DashboardMessage.Presence.of(presence));
        }
    }

    /** The device's summary, with the figures just read for the list. */
    private Live live(DeviceState state) {
        Live device = live.computeIfAbsent(state.ref().key(), k -> summary(state));
        synchronized (device) {
            device.cursor = state.cursor();
        }
        return device;
    }

    private Live load(FeedEvent event) {
        return devices.state(event.device().key()).map(this::summary)
                .orElseGet(() -> new Live(event.device().id(), event.device().namespace(), "offline",
                        event.device().key(), NONE));
    }

    private Live summary(DeviceState state) {
        return new Live(state.ref().id(), state.ref().namespace(), state.presence().state(), state.ref().key(),
                state.cursor());
    }

    private void emit(String namespace, DashboardMessage message) {
        Set<Consumer<DashboardMessage>> set = listeners.get(namespace);
        if (set != null) {
            set.forEach(listener -> listener.accept(message));
        }
    }

    /** Forgets a deleted device. */
    public void forget(long deviceKey) {
        live.remove(deviceKey);
    }
}
