package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.OneHub;
import org.telemetryhub.hub.support.Readings;

/** One device's credentials cannot hold what its neighbours need: a device keeps at most four connections. */
class DeviceCapsTest extends OneHub {

    @Test
    void a_fifth_connection_of_one_device_closes_its_oldest_with_1008_replaced() {
        Api.Device device = admin.provision("greedy");
        List<DeviceClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(DeviceClient.connect(hub.deviceSocket(), admin.ticket(device)));
            }

            assertEquals(1008, clients.get(0).awaitClose());
            assertEquals("replaced", clients.get(0).closeReason());
            for (int i = 1; i < 5; i++) {
                clients.get(i).send(Readings.one(i, hub.clock.millis()));
                clients.get(i).ack(i);
                assertFalse(clients.get(i).closed.isDone(), "connection " + (i + 1) + " stays open");
            }
        } finally {
            clients.forEach(DeviceClient::close);
        }
    }

    @Test
    void a_device_that_keeps_reconnecting_holds_four_connections_and_its_neighbour_still_connects() {
        Api.Device greedy = admin.provision("reconnecting");
        Api.Device neighbour = admin.provision("neighbour");
        List<DeviceClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 12; i++) {
                clients.add(DeviceClient.connect(hub.deviceSocket(), admin.ticket(greedy)));
            }

            for (DeviceClient replaced : clients.subList(0, 8)) {
                assertEquals(1008, replaced.awaitClose());
            }
            clients.subList(8, 12).forEach(open -> assertFalse(open.closed.isDone()));
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(neighbour))) {
                client.send(Readings.one(1, hub.clock.millis()));
                client.ack(1);
            }
        } finally {
            clients.forEach(DeviceClient::close);
        }
    }
}
