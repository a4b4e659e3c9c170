package org.telemetryhub.hub.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/** Limits against abuse: a device's reading rate, early resends, idle sockets, connection counts, dead peers. */
class LimitsTest {

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of(
                "limits.deviceReadingsPerSecond", "10",
                "limits.deviceBurst", "20",
                "ingest.maxBatch", "20",
                "limits.connectionsPerAddress", "50",
                "limits.handshakeTimeoutMs", "1000",
                "ws.pingIntervalMs", "300"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void a_device_over_its_rate_gets_rate_limited_with_the_refused_seqs_and_nothing_stored() {
        Api.Device device = admin.provision("chatty");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 20, now));
            client.ack(20);

            client.send(Readings.batch(21, 5, now));
            JsonNode error = client.next();

            assertEquals("error", error.get("type").asText());
            assertEquals("rate_limited", error.get("error").asText());
            assertEquals("[21,22,23,24,25]", error.get("seqs").toString());
            assertTrue(error.get("retryAfterMs").asLong() > 0);

            hub.clock.advance(error.get("retryAfterMs").asLong());
            client.send(Readings.batch(21, 5, now));
            client.ack(25);
        }
        assertEquals(25, hub.storedCount("chatty"));
    }

    @Test
    void resending_early_three_times_within_ten_seconds_closes_with_1008() {
        Api.Device device = admin.provision("impatient");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 20, now));
            client.ack(20);
            client.send(Readings.one(21, now));
            assertEquals("rate_limited", client.next().get("error").asText());

            client.send(Readings.one(21, now));
            client.send(Readings.one(21, now));
            client.send(Readings.one(21, now));

            assertEquals(1008, client.awaitClose());
        }
    }

    @Test
    void frames_that_were_in_flight_when_the_device_was_refused_do_not_count_as_early_resends() {
        Api.Device device = admin.provision("pipelining");
        long now = hub.clock.millis();
        try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
            client.send(Readings.batch(1, 20, now));
            client.ack(20);
            for (long seq = 21; seq <= 25; seq++) {
                client.send(Readings.one(seq, now));
            }
            for (long seq = 21; seq <= 25; seq++) {
                long refused = seq;
                client.next(m -> m.path("error").asText().equals("rate_limited")
                        && m.get("seqs").get(0).asLong() == refused);
            }

            hub.clock.advance(1_000);
            client.send(Readings.batch(21, 5, now));
            client.ack(25);
        }
        assertEquals(25, hub.storedCount("pipelining"));
    }

    @Test
    void http_ingest_over_the_rate_gets_429_with_retry_after() {
        Api.Device device = admin.provision("http-chatty");
        String ticket = admin.ticket(device);
        long now = hub.clock.millis();
        assertEquals(200, admin.ingest("http-chatty", ticket, Readings.batch(1, 20, now)).status());

        Api.Answer limited = admin.ingest("http-chatty", ticket, Readings.one(21, now));

        assertEquals(429, limited.status());
        assertEquals("rate_limited", limited.error());
        assertTrue(limited.raw().headers().firstValue("Retry-After").isPresent());
    }

    @Test
    void two_thousand_idle_sockets_do_not_stop_a_fresh_device_from_connecting() throws IOException {
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", hub.hub.port()), 5_000);
                idle.add(socket);
            }
            Api.Device device = admin.provision("fresh");

            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                client.send(Readings.one(1, hub.clock.millis()));
                client.ack(1);
            }
            assertTrue(closedByHub(idle.get(0)), "an idle socket is closed after the handshake timeout");
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
    }

    @Test
    void connections_beyond_the_per_address_limit_are_refused_before_the_upgrade() {
        List<DeviceClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                open.add(DeviceClient.connect(hub.deviceSocket(), admin.ticket(admin.provision("crowd-" + i))));
            }

            assertEquals(503, DeviceClient.refusedStatus(hub.deviceSocket(), admin.ticket(admin.provision("crowd"))));
        } finally {
            open.forEach(DeviceClient::close);
        }
    }

    @Test
    void a_peer_that_answers_no_pings_is_closed() throws IOException {
        Api.Device device = admin.provision("silent");
        try (Socket socket = new Socket("127.0.0.1", hub.hub.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws/device HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + "Authorization: Bearer " + admin.ticket(device) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);

            assertEquals("HTTP/1.1 101", status);
            assertTrue(closedByHub(socket), "the hub cuts a peer that leaves its pings unanswered");
        }
    }

    /** Reads (and drops) whatever the hub sends until it closes the socket; false if it stays open for 10 s. */
    static boolean closedByHub(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        try {
            byte[] buffer = new byte[1024];
            while (in.read(buffer) != -1) {
                // pings and close frames: keep reading until the end of the stream
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true;
        }
    }
}
