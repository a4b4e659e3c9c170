package org.telemetryhub.hub.auth;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Provisioning, listing, revoking, re-keying devices and setting their units; revoking and re-keying cut the device's
 * connections.
 */
public final class DeviceRegistry {

    private static final Logger log = LoggerFactory.getLogger(DeviceRegistry.class);

    /** Closes every live connection of a device (WebSocket, MQTT). */
    @FunctionalInterface
    public interface Disconnector {
        void disconnect(long deviceKey, String reason);
    }

    public record Provisioned(DeviceRef device, String secret) {}

    private final DeviceStore devices;
    private final Secrets secrets;
    private final Clock clock;
    private final Disconnector disconnector;

    public DeviceRegistry(DeviceStore devices, Secrets secrets, Clock clock, Disconnector disconnector) {
        this.devices = devices;
        this.secrets = secrets;
        this.clock = clock;
        this.disconnector = disconnector;
    }

    public Provisioned provision(String deviceId, String namespace, long reportIntervalMs, Map<String, String> units)
            throws DeviceExists {
        String secret = secrets.newToken();
        DeviceRef device = devices.create(deviceId, namespace, reportIntervalMs, units, Secrets.hash(secret),
                clock.millis());
        log.info("event=device_provisioned device={} namespace={}", deviceId, namespace);
        return new Provisioned(device, secret);
    }

    public Optional<DeviceRef> find(String deviceId) {
        return devices.find(deviceId);
    }

    public List<DeviceState> list() {
        return devices.list();
    }

    /** Devices in id order after {@code afterId}; {@code next} names the last one when more may follow. */
    public record Page(List<DeviceState> devices, String next) {}

    /**
     * Up to {@code limit} devices the predicate lets through, in id order after {@code afterId} (null: from the
     * first); devices it hides are skipped without shortening the page.
     */
    public Page page(String afterId, int limit, Predicate<DeviceState> visible) {
        List<DeviceState> page = new ArrayList<>(limit + 1);
        String after = afterId;
        while (page.size() <= limit) {
            List<DeviceState> chunk = devices.page(after, limit + 1);
            for (DeviceState device : chunk) {
                if (visible.test(device) && page.size() <= limit) {
                    page.add(device);
                }
            }
            if (chunk.size() <= limit) {
                break;
            }
            after = chunk.get(chunk.size() - 1).ref().id();
        }
        if (page.size() <= limit) {
            return new Page(page, null);
        }
        List<DeviceState> shown = page.subList(0, limit);
        return new Page(List.copyOf(shown), shown.get(limit - 1).ref().id());
    }

    public Optional<DeviceState> state(DeviceRef device) {
        return devices.state(device.key());
    }

    /** Replaces the device's units per metric; false when it is gone. */
    public boolean replaceUnits(DeviceRef device, Map<String, String> units) {
        return devices.replaceUnits(device, units);
    }

    /** Deletes the device: its tickets stop working and its connections close. */
    public boolean revoke(DeviceRef device) {
        boolean deleted = devices.delete(device, clock.millis());
        disconnector.disconnect(device.key(), "device revoked");
        log.info("event=device_revoked device={}", device.id());
        return deleted;
    }

    /** Issues a new secret: tickets of the old one stop working and connections opened with them close. */
    public Optional<String> rotateSecret(DeviceRef device) {
        String secret = secrets.newToken();
        if (!devices.replaceSecret(device, Secrets.hash(secret))) {
            return Optional.empty();
        }
        disconnector.disconnect(device.key(), "device secret rotated");
        log.info("event=device_secret_rotated device={}", device.id());
        return Optional.of(secret);
    }
}
