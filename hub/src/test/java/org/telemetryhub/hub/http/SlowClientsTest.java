package org.telemetryhub.hub.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.telemetryhub.client.HubCalls;
import org.telemetryhub.client.Tickets;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.Readings;

/**
 * Slow clients cannot hold the hub: a request head has a total deadline ({@code limits.handshakeTimeoutMs}) that no
 * trickle of bytes pushes back. The flood comes from 127.0.0.2 (Linux routes all of 127.0.0.0/8 to the loopback),
 * the device from 127.0.0.1.
 *
 * <p>File descriptors: the flood's 15,000 sockets are held by this JVM and the hub's 15,000 ends by the hub's own
 * JVM, so each process needs a hard limit above about 16,000 open files (the JVM raises its soft limit to the hard
 * one; a usual hard limit is 20,000 or more).
 */
class SlowClientsTest {

    private static final int IDLE = 2_000;
    private static final int SLOW_HEADERS = 13_000;
    private static final long DEADLINE_MS = 6_000;
    /** Shorter than the idle timeout (the deadline's length): only a total deadline closes these. */
    private static final long HEADER_LINE_EVERY_MS = 2_000;

    @Test
    void a_flood_of_idle_and_slow_header_sockets_leaves_tickets_devices_and_health_fast_and_is_closed_by_the_deadline()
            throws Exception {
        Path store = Files.createTempDirectory("hub-flood");
        try (HubProcess hub = HubProcess.start(store, Map.of(
                "limits.handshakeTimeoutMs", Long.toString(DEADLINE_MS),
                "limits.connectionsTotal", "16000"), Path.of("target", "slow-clients", "hub.log"));
             Flood flood = new Flood()) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("steady");
            int port = URI.create(hub.url()).getPort();

            long opening = System.nanoTime();
            flood.open(port, IDLE, SLOW_HEADERS);
            long openMs = (System.nanoTime() - opening) / 1_000_000;
            long started = System.nanoTime();
            // a device arriving during the flood, on a connection of its own (the operator's pooled one may have
            // idled past the hub's timeout while the flood opened, and a request racing that close fails)
            String ticket = new Tickets(new HubCalls(HttpClient.newHttpClient(), URI.create(hub.url())))
                    .request(device.id(), device.secret()).ticket();
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), ticket)) {
                client.send(Readings.one(1, System.currentTimeMillis()));
                client.ack(1);
            }
            long deviceMs = (System.nanoTime() - started) / 1_000_000;
            started = System.nanoTime();
            int health = health(hub.url());
            long healthMs = (System.nanoTime() - started) / 1_000_000;

            assertTrue(deviceMs < 1_000, "ticket, connection and ack took " + deviceMs + " ms during the flood");
            assertEquals(200, health);
            assertTrue(healthMs < 1_000, "/health took " + healthMs + " ms during the flood");
            await("every flood socket closed by the hub").atMost(Duration.ofMillis(DEADLINE_MS * 3))
                    .pollInterval(Duration.ofMillis(200))
                    .until(flood::closedByHub, closed -> closed == IDLE + SLOW_HEADERS);
            assertTrue(flood.headerLinesSent() >= SLOW_HEADERS * 2L, "the slow sockets kept sending header lines, "
                    + "but sent " + flood.headerLinesSent() + " (opening them took " + openMs + " ms)");
        }
    }

    private static int health(String url) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/health")).timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * Sockets from 127.0.0.2: idle ones send nothing; slow ones send the start of a request and then one header line
     * every two seconds, never ending the head. A timer writes the lines; a thread notices the hub closing sockets.
     */
    private static final class Flood implements AutoCloseable {

        private static final byte[] REQUEST_START =
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] HEADER_LINE = "X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII);

        private final Selector selector;
        private final Queue<SocketChannel> slow = new ConcurrentLinkedQueue<>();
        private final Set<SocketChannel> closed = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        private final Thread reader = new Thread(this::readUntilClosed, "flood-reader");
        private volatile long lines;
        private volatile boolean running = true;

        Flood() throws IOException {
            selector = Selector.open();
        }

        void open(int port, int idle, int slowHeaders) throws IOException {
            writer.scheduleAtFixedRate(this::trickle, HEADER_LINE_EVERY_MS, HEADER_LINE_EVERY_MS,
                    TimeUnit.MILLISECONDS);
            List<SocketChannel> all = new ArrayList<>();
            for (int i = 0; i < idle + slowHeaders; i++) {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress("127.0.0.2", 0));
                channel.connect(new InetSocketAddress("127.0.0.1", port));
                channel.configureBlocking(false);
                all.add(channel);
                if (i >= idle) {
                    channel.write(ByteBuffer.wrap(REQUEST_START));
                    slow.add(channel);
                }
            }
            selector.wakeup();
            for (SocketChannel channel : all) {
                channel.register(selector, SelectionKey.OP_READ);
            }
            reader.setDaemon(true);
            reader.start();
        }

        int closedByHub() {
            return closed.size();
        }

        long headerLinesSent() {
            return lines;
        }

        private void readUntilClosed() {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (running) {
                try {
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        SocketChannel channel = (SocketChannel) key.channel();
                        buffer.clear();
                        if (read(channel, buffer) < 0) {
                            key.cancel();
                            closed.add(channel);
                        }
                    }
                    selector.selectedKeys().clear();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        private void trickle() {
            for (SocketChannel channel : slow) {
                if (!closed.contains(channel)) {
                    try {
                        channel.write(ByteBuffer.wrap(HEADER_LINE));
                        lines++;
                    } catch (IOException e) {
                        closed.add(channel); // reset by the hub
                    }
                }
            }
        }

        private static int read(SocketChannel channel, ByteBuffer buffer) {
            try {
                return channel.read(buffer);
            } catch (IOException e) {
                return -1; // reset by the hub
            }
        }

        @Override
        public void close() throws IOException {
            running = false;
            writer.shutdownNow();
            reader.interrupt();
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            selector.close();
        }
    }
}
