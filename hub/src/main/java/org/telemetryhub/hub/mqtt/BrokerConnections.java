package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.Services;
import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.DeviceConnections;

/**
 * The embedded broker's connections as the hub's {@link DeviceConnections}: an authenticated client becomes a Link
 * (counted against the connection limits, presence online) and stops being one on any disconnect (presence
 * offline). Revoking the device closes the Link, which disconnects the client.
 */
final class BrokerConnections implements ClientLifecycleEventListener {

    private static final Logger log = LoggerFactory.getLogger(BrokerConnections.class);
    private static final String LINK = "telemetryhub.link";

    private record BrokerLink(DeviceRef device, String clientId, DeviceConnections.Slot slot)
            implements DeviceConnections.Link {
        @Override
        public String transport() {
            return "mqtt";
        }

        @Override
        public void close(String reason) {
            Services.clientService().disconnectClient(clientId, false, DisconnectReasonCode.ADMINISTRATIVE_ACTION,
                    reason);
        }
    }

    private final DeviceConnections connections;
    private final BrokerControl control;
    private final Map<Long, BrokerLink> links = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    BrokerConnections(DeviceConnections connections, BrokerControl control) {
        this.connections = connections;
        this.control = control;
    }

    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {
        // nothing is known about the device before its ticket is checked
    }

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
        ConnectionInformation connection = input.getConnectionInformation();
        String clientId = input.getClientInformation().getClientId();
        Optional<DeviceRef> device = ConnectionDevice.of(connection);
        if (device.isEmpty()) {
            return;
        }
        String address = connection.getInetAddress().map(InetAddress::getHostAddress).orElse("unknown");
        DeviceConnections.Slot slot = connections.reserve(address);
        if (slot == null) {
            log.warn("event=mqtt_connection_limit device={} address={}", clientId, address);
            Services.clientService().disconnectClient(clientId, false, DisconnectReasonCode.QUOTA_EXCEEDED,
                    "the hub has reached its connection limit for this address or in total; retry later");
            return;
        }
        slot.opened(); // the broker has accepted the client: nothing of its handshake is left
        long id = ids.incrementAndGet();
        BrokerLink link = new BrokerLink(device.get(), clientId, slot);
        links.put(id, link);
        connection.getConnectionAttributeStore().putAsString(LINK, Long.toString(id));
        connections.opened(link, System.nanoTime());
        log.debug("event=mqtt_device_connected device={}", clientId);
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
        Optional<String> id = input.getConnectionInformation().getConnectionAttributeStore().getAsString(LINK);
        BrokerLink link = id.map(value -> links.remove(Long.parseLong(value))).orElse(null);
        if (link != null) {
            control.disconnected(link.clientId());
            connections.closed(link);
            link.slot().close();
            log.debug("event=mqtt_device_disconnected device={}", link.clientId());
        }
    }
}
