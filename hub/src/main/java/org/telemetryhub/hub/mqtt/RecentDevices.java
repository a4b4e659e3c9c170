package org.telemetryhub.hub.mqtt;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.telemetryhub.hub.core.DeviceRef;

/**
 * Devices by id for the bridge, each answer remembered for a second: readings arrive by the thousand and a store
 * lookup for each would cap the bridge's rate. A revoked device stops being found within a second, on every hub node.
 */
final class RecentDevices implements Function<String, Optional<DeviceRef>> {

    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_ENTRIES = 100_000;

    private record Entry(Optional<DeviceRef> device, long at) {}

    private final Function<String, Optional<DeviceRef>> store;
    private final Map<String, Entry> recent = new ConcurrentHashMap<>();

    RecentDevices(Function<String, Optional<DeviceRef>> store) {
        this.store = store;
    }

    @Override
    public Optional<DeviceRef> apply(String deviceId) {
        long now = System.nanoTime();
        Entry entry = recent.get(deviceId);
        if (entry != null && now - entry.at() < TTL_NANOS) {
            return entry.device();
        }
        if (recent.size() >= MAX_ENTRIES) {
            recent.clear();
        }
        Optional<DeviceRef> device = store.apply(deviceId);
        recent.put(deviceId, new Entry(device, now));
        return device;
    }
}
