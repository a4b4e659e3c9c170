package org.telemetryhub.hub.rooms;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Namespace rooms: a summary per device (presence, last seen, last seq, readings per second, rejections), sent to
 * the namespace's dashboards at most once per second per device, plus its presence events and alerts. No raw
 * readings, so a large fleet stays cheap to watch.
 */
public final class NamespaceSummaries {

    private static final class Live {
        final String deviceId;
        final String namespace;
        String presence;
        Long lastSeenAt;
        long lastSeq;
        long rejected;
        int readingsThisTick;
        double ratePerS;
        boolean dirty;

        Live(String deviceId, String namespace, String presence, Long lastSeenAt, long lastSeq, long rejected) {
            this.deviceId = deviceId;
            this.namespace = namespace;
            this.presence = presence;
            this.lastSeenAt = lastSeenAt;
            this.lastSeq = lastSeq;
            this.rejected = rejected;
        }

        DashboardMessage.DeviceSummary summary() {
            return new DashboardMessage.DeviceSummary("device-summary", deviceId, presence, lastSeenAt, lastSeq,
                    ratePerS, rejected);
        }
    }

    private final DeviceStore devices;
    private final ReadingStore readings;
    private final Map<Long, Live> live = new ConcurrentHashMap<>();
    private final Map<String, Set<Consumer<DashboardMessage>>> listeners = new ConcurrentHashMap<>();
    private long lastTick;

    public NamespaceSummaries(DeviceStore devices, ReadingStore readings, Feed feed) {
        this.devices = devices;
        this.readings = readings;
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
            DashboardMessage.DeviceSummary summary;
            synchronized (device) {
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
            if (event instanceof FeedEvent.ReadingCommitted committed) {
                device.readingsThisTick++;
                device.lastSeq = Math.max(device.lastSeq, committed.stored().reading().seq());
                device.lastSeenAt = committed.stored().storedAt();
            } else if (event instanceof FeedEvent.Rejected) {
                device.rejected++;
            } else if (event instanceof FeedEvent.PresenceChanged presence) {
                device.presence = presence.state();
            }
        }
        if (event instanceof FeedEvent.PresenceChanged presence) {
            emit(event.device().namespace(), DashboardMessage.Presence.of(presence));
        }
    }

    private Live live(DeviceState state) {
        return live.computeIfAbsent(state.ref().key(), k -> summary(state));
    }

    private Live load(FeedEvent event) {
        return devices.state(event.device().key()).map(this::summary)
                .orElseGet(() -> new Live(event.device().id(), event.device().namespace(), "offline", null, 0, 0));
    }

    private Live summary(DeviceState state) {
        return new Live(state.ref().id(), state.ref().namespace(), state.presence().state(), state.lastSeenAt(),
                state.lastSeq(), readings.rejectionCount(state.ref().key()));
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
