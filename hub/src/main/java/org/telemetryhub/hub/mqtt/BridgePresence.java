package org.telemetryhub.hub.mqtt;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.DeviceConnections;

/**
 * Presence of devices on an external broker, from {@code devices/{id}/presence}: a device publishes a retained
 * {@code online} after connecting and leaves a retained will {@code offline}. Each online device is one Link in the
 * hub's {@link DeviceConnections}, so presence events are the same as for WebSocket devices, and its newest
 * connection for command delivery ({@link MqttCommandLink}); an {@code online} while online is a reconnect (the
 * device may have started a clean session), so it gets its delivered-but-unanswered commands and its delta again.
 * The hub cannot cut a device off another broker: closing the Link on revocation only takes the device offline here.
 */
final class BridgePresence {

    private static final Logger log = LoggerFactory.getLogger(BridgePresence.class);
    static final String ONLINE = "online";
    static final String OFFLINE = "offline";

    private final class PresenceLink implements DeviceConnections.Link {
        private final DeviceRef device;
        private MqttCommandLink commands;
        private boolean offline;

        PresenceLink(DeviceRef device) {
            this.device = device;
        }

        /** Hands delivery to a fresh command link, which starts with no memory of what the device was given. */
        synchronized void deliverAgain() {
            if (offline) {
                return;
            }
            MqttCommandLink previous = commands;
            commands = new MqttCommandLink(device, publisher, () -> log.warn("event=bridge_command_not_handed "
                    + "device={} (the broker refused a command or had no subscriber for it; it stays queued until "
                    + "the device is online again)", device.id()));
            delivery.connected(commands);
            if (previous != null) {
                delivery.disconnected(previous);
            }
        }

        /** Ends delivery to the device; called once, when it leaves {@code online}. */
        synchronized void stopDelivery() {
            offline = true;
            if (commands != null) {
                delivery.disconnected(commands);
            }
        }

        @Override
        public DeviceRef device() {
            return device;
        }

        @Override
        public String transport() {
            return "mqtt";
        }

        @Override
        public void close(String reason) {
            if (online.remove(device.id(), this)) {
                offline(this);
            }
        }
    }

    private final Function<String, Optional<DeviceRef>> devices;
    private final DeviceConnections connections;
    private final CommandDelivery delivery;
    private final MqttCommandLink.Publisher publisher;
    private final Map<String, PresenceLink> online = new ConcurrentHashMap<>();

    BridgePresence(Function<String, Optional<DeviceRef>> devices, DeviceConnections connections,
                   CommandDelivery delivery, MqttCommandLink.Publisher publisher) {
        this.devices = devices;
        this.connections = connections;
        this.delivery = delivery;
        this.publisher = publisher;
    }

    /** Applies one presence message; anything but {@code online} or {@code offline} is ignored. */
    void update(String deviceId, String state) {
        if (state.equals(ONLINE)) {
            PresenceLink known = online.get(deviceId);
            if (known != null) {
                known.deliverAgain();
                return;
            }
            Optional<DeviceRef> device = devices.apply(deviceId);
            if (device.isPresent()) {
                PresenceLink link = new PresenceLink(device.get());
                online.put(deviceId, link);
                connections.opened(link, System.nanoTime());
                link.deliverAgain();
            }
        } else if (state.equals(OFFLINE)) {
            PresenceLink link = online.remove(deviceId);
            if (link != null) {
                offline(link);
            }
        } else {
            log.warn("event=bridge_presence_ignored device={} (payload must be online or offline)", deviceId);
        }
    }

    private void offline(PresenceLink link) {
        link.stopDelivery();
        connections.closed(link);
    }

    /** Forgets every device: the hub is stopping, and its presence is no longer known. */
    void clear() {
        online.values().forEach(link -> link.close("hub stopping"));
    }
}
