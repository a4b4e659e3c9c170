package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.Presence;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Online, stale or offline, per device. A device is online while any of its connections is open (so a late close
 * of an old connection cannot take a newer one offline), stale while connected without a reading for three report
 * intervals, offline when its last connection closes. A device that sends over HTTP keeps no connection: it is
 * online while its last reading arrived within two report intervals, stale up to five, then offline; nodes judge
 * that from the store (when the device last wrote) and record a change only if the presence version is still the one
 * they judged, so of two nodes that see the same change, exactly one records and publishes it. Every change is
 * recorded with a version one higher than the last, then published in that order.
 */
public final class PresenceTracker implements DeviceConnections.Listener {

    public static final String ONLINE = "online";
    public static final String STALE = "stale";
    public static final String OFFLINE = "offline";

    private static final class State {
        final DeviceRef device;
        int connections;
        String state = OFFLINE;
        long lastActiveAt;
        boolean retired;

        State(DeviceRef device) {
            this.device = device;
        }
    }

    /** A device this node took a reading over HTTP from, with the presence last recorded for it. */
    private static final class Polled {
        final DeviceRef device;
        String state = OFFLINE;
        long version = -1;
        long lastReadingAt;

        Polled(DeviceRef device) {
            this.device = device;
        }
    }

    private final DeviceStore devices;
    private final Feed feed;
    private final Clock clock;
    private final Executor judging;
    private final Map<Long, State> states = new ConcurrentHashMap<>();
    private final Map<Long, Polled> polled = new ConcurrentHashMap<>();

    /** {@code judging}: where a device that sends over HTTP is judged after a reading, off the commit's thread. */
    public PresenceTracker(DeviceStore devices, Feed feed, Clock clock, Executor judging) {
        this.devices = devices;
        this.feed = feed;
        this.clock = clock;
        this.judging = judging;
        devices.markAllOffline(clock.millis());
        feed.listenAll(event -> {
            if (event instanceof FeedEvent.ReadingCommitted) {
                readingArrived(event.device());
            } else if (event instanceof FeedEvent.PresenceChanged change) {
                recorded(change);
            }
        });
    }

    @Override
    public void opened(DeviceRef device) {
        while (true) {
            State state = states.computeIfAbsent(device.key(), k -> new State(device));
            synchronized (state) {
                if (state.retired) {
                    continue;
                }
                state.connections++;
                state.lastActiveAt = clock.millis();
                change(state, ONLINE);
                polled.remove(device.key());
                return;
            }
        }
    }

    @Override
    public void closed(DeviceRef device) {
        State state = states.get(device.key());
        if (state == null) {
            return;
        }
        synchronized (state) {
            state.connections = Math.max(0, state.connections - 1);
            if (state.connections == 0) {
                change(state, OFFLINE);
                state.retired = true;
                states.remove(device.key(), state);
            }
        }
    }

    /**
     * Marks connected devices that sent nothing for three report intervals as stale, and judges again the devices
     * that send over HTTP unless a reading this node took proves them online.
     */
    public void tick() {
        long now = clock.millis();
        for (State state : states.values()) {
            synchronized (state) {
                if (state.state.equals(ONLINE) && now - state.lastActiveAt > 3 * state.device.reportIntervalMs()) {
                    change(state, STALE);
                }
            }
        }
        for (Polled device : polled.values()) {
            synchronized (device) {
                if (!device.state.equals(ONLINE) || now - device.lastReadingAt > 2 * device.device.reportIntervalMs()) {
                    judge(device, now);
                }
            }
        }
    }

    /** This node committed a frame the device sent over HTTP (stored or refused for its content). */
    public void readingOverHttp(DeviceRef device) {
        if (states.containsKey(device.key())) {
            return; // connected to this node: its connections decide
        }
        Polled tracked = polled.computeIfAbsent(device.key(), k -> new Polled(device));
        synchronized (tracked) {
            tracked.lastReadingAt = clock.millis();
            if (tracked.state.equals(ONLINE)) {
                return;
            }
        }
        judging.execute(() -> {
            synchronized (tracked) {
                if (!tracked.state.equals(ONLINE)) {
                    judge(tracked, clock.millis());
                }
            }
        });
    }

    /**
     * Compares what the store says (presence and version, when the device last wrote) with what the report interval
     * makes of it, and records the difference if no other node recorded a change meanwhile. Called under the lock.
     */
    private void judge(Polled tracked, long now) {
        long key = tracked.device.key();
        Optional<DeviceState> found = devices.state(key);
        if (found.isEmpty() || states.containsKey(key)) {
            polled.remove(key, tracked);
            return;
        }
        Presence recorded = found.get().presence();
        Long lastSeenAt = found.get().cursor().lastSeenAt();
        long silent = lastSeenAt == null ? Long.MAX_VALUE : now - lastSeenAt;
        long interval = tracked.device.reportIntervalMs();
        String due = silent <= 2 * interval ? ONLINE : silent <= 5 * interval ? STALE : OFFLINE;
        tracked.state = recorded.state();
        tracked.version = recorded.version();
        if (!due.equals(recorded.state()) && devices.recordPresenceIf(key, recorded.version(), due, now)) {
            tracked.state = due;
            tracked.version = recorded.version() + 1;
            feed.publish(new FeedEvent.PresenceChanged(tracked.device, due, now, tracked.version));
        }
        if (tracked.state.equals(OFFLINE)) {
            polled.remove(key, tracked);
        }
    }

    /** A change recorded by any node: a device sending over HTTP is judged from it next. */
    private void recorded(FeedEvent.PresenceChanged change) {
        Polled tracked = polled.get(change.device().key());
        if (tracked == null) {
            return;
        }
        synchronized (tracked) {
            if (change.version() > tracked.version) {
                tracked.state = change.state();
                tracked.version = change.version();
            }
        }
    }

    /** Readings stored by other nodes arrive here too; a device with no connection to this node is not tracked. */
    private void readingArrived(DeviceRef device) {
        State state = states.get(device.key());
        if (state == null) {
            return;
        }
        synchronized (state) {
            state.lastActiveAt = clock.millis();
            if (state.state.equals(STALE)) {
                change(state, ONLINE);
            }
        }
    }

    private void change(State state, String next) {
        if (state.state.equals(next)) {
            return;
        }
        state.state = next;
        long at = clock.millis();
        long version = devices.recordPresence(state.device.key(), next, at);
        feed.publish(new FeedEvent.PresenceChanged(state.device, next, at, version));
    }
}
