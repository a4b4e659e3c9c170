package org.telemetryhub.hub.auth;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.DeviceExists;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.store.DeviceStore;

/** Provisioning, listing, revoking and re-keying devices; revoking and re-keying cut the device's connections. */
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

    public Provisioned provision(String deviceId, String namespace, long reportIntervalMs) throws DeviceExists {
        String secret = secrets.newToken();
        DeviceRef device = devices.create(deviceId, namespace, reportIntervalMs, Secrets.hash(secret), clock.millis());
        log.info("event=device_provisioned device={} namespace={}", deviceId, namespace);
        return new Provisioned(device, secret);
    }

    public Optional<DeviceRef> find(String deviceId) {
        return devices.find(deviceId);
    }

    public List<DeviceState> list() {
        return devices.list();
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
