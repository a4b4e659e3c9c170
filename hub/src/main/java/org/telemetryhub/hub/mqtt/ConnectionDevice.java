package org.telemetryhub.hub.mqtt;

import com.hivemq.extension.sdk.api.client.parameter.ConnectionInformation;
import java.util.Optional;
import org.telemetryhub.hub.core.DeviceRef;

/**
 * The device a broker connection authenticated as, kept in that connection's own attribute store: it lives and dies
 * with the connection, so nothing has to be cleaned up when a connection drops halfway through its CONNECT.
 */
final class ConnectionDevice {

    private static final String KEY = "telemetryhub.device";

    private ConnectionDevice() {}

    static void remember(ConnectionInformation connection, DeviceRef device) {
        connection.getConnectionAttributeStore().putAsString(KEY, device.key() + "\n" + device.reportIntervalMs()
                + "\n" + device.namespace() + "\n" + device.id());
    }

    static Optional<DeviceRef> of(ConnectionInformation connection) {
        return connection.getConnectionAttributeStore().getAsString(KEY).map(text -> {
            String[] parts = text.split("\n", 4);
            return new DeviceRef(Long.parseLong(parts[0]), parts[3], parts[2], Long.parseLong(parts[1]));
        });
    }
}
