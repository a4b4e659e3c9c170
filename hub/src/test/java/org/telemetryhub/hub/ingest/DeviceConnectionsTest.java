package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;

/** The per-address caps: upgrades in progress and open connections, each address counted apart. */
class DeviceConnectionsTest {

    static final DeviceConnections.Listener NOBODY = new DeviceConnections.Listener() {
        @Override
        public void opened(DeviceRef device) {
        }

        @Override
        public void closed(DeviceRef device) {
        }
    };

    @Test
    void upgrades_in_progress_are_capped_per_address_and_an_opened_one_frees_its_place() {
        DeviceConnections connections = connections("limits.pendingUpgradesPerAddress", "3");
        List<DeviceConnections.Slot> pending = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            pending.add(connections.reserve("10.0.0.1"));
        }

        assertNull(connections.reserve("10.0.0.1"), "a fourth upgrade in progress from one address");
        assertNotNull(connections.reserve("10.0.0.2"), "another address is not affected");
        pending.get(0).opened();
        assertNotNull(connections.reserve("10.0.0.1"), "an opened connection is no longer pending");
    }

    @Test
    void open_connections_are_capped_per_address_until_one_closes() {
        DeviceConnections connections = connections("limits.connectionsPerAddress", "2");
        DeviceConnections.Slot first = connections.reserve("10.0.0.1");
        first.opened();
        connections.reserve("10.0.0.1").opened();

        assertNull(connections.reserve("10.0.0.1"));
        first.close();
        assertNotNull(connections.reserve("10.0.0.1"));
    }

    static DeviceConnections connections(String key, String value) {
        HubConfig config = HubConfig.from(ConfigLoader.settings(Map.of(key, value)));
        return new DeviceConnections(config.limits(), NOBODY);
    }
}
