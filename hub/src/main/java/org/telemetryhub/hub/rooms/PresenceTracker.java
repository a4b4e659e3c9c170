package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Online, stale or offline, per device. A device is online while any of its connections is open (so a late close
 * of an old connection cannot take a newer one offline), stale while connected without a reading for three report
 * intervals, offline when its last connection closes. Every change is recorded with a version one higher than the
 * last, then published in that order.
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

    private final DeviceStore devices;
    private final Feed feed;
    private final Clock clock;
    private final Map<Long, State> states = new ConcurrentHashMap<>();

    public PresenceTracker(DeviceStore devices, Feed feed, Clock clock) {
        this.devices = devices;
        this.feed = feed;
        this.clock = clock;
        devices.markAllOffline(clock.millis());
        feed.listenAll(event -> {
            if (event instanceof FeedEvent.ReadingCommitted) {
                readingArrived(event.device());
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

    /** Marks connected devices that sent nothing for three report intervals as stale. */
    public void tick() {
        long now = clock.millis();
        for (State state : states.values()) {
            synchronized (state) {
                if (state.state.equals(ONLINE) && now - state.lastActiveAt > 3 * state.device.reportIntervalMs()) {
                    change(state, STALE);
                }
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
