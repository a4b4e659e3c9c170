package org.telemetryhub.client.link;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The hub's embedded broker as a test scripts it, on a loopback port: just enough MQTT 5 for one device session. It
 * accepts the session, grants every subscription at QoS 1, hands the test what the device publishes, answers each
 * publish with a PUBACK (an error with the reason string the test set, or success), and publishes what the test
 * sends to the device.
 */
final class FakeBroker implements AutoCloseable {

    /** A publish from the device: its topic and its payload as text. */
    record Published(String topic, String payload) {}

    final List<String> subscriptions = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Published> published = new LinkedBlockingQueue<>();
    private final ServerSocket server;
    private volatile Socket session;
    private volatile OutputStream out;
    private volatile String refusal;
    private int packetIds;

    FakeBroker() {
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread serving = new Thread(this::serve, "fake-broker");
        serving.setDaemon(true);
        serving.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** The PUBACK of every later publish refuses it with this reason string (null: stored). */
    void refuseWith(String reason) {
        this.refusal = reason;
    }

    /** The device's next publish, or fails after 10 s. */
    Published next() throws InterruptedException {
        Published next = published.poll(10, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError("the device published nothing within 10 s");
        }
        return next;
    }

    /** Publishes {@code payload} to the device on {@code topic}, QoS 1. */
    synchronized void publish(String topic, String payload) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, topic);
        int id = ++packetIds;
        body.write(id >> 8);
        body.write(id);
        body.write(0); // no properties
        body.writeBytes(payload.getBytes(StandardCharsets.UTF_8));
        send(0x32, body.toByteArray());
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            session = socket;
            out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int header = in.read();
                if (header < 0) {
                    return;
                }
                byte[] packet = new byte[remainingLength(in)];
                in.readFully(packet);
                answer(header >> 4, packet);
            }
        } catch (IOException e) {
            // the device went, or the test closed the broker
        }
    }

    private void answer(int type, byte[] packet) throws IOException {
        switch (type) {
            case 1 -> send(0x20, new byte[] {0, 0, 0}); // CONNACK: no session present, success, no properties
            case 8 -> subscribed(packet);
            case 3 -> published(packet);
            case 12 -> send(0xD0, new byte[0]); // PINGRESP
            default -> {
                // PUBACKs of what the broker published, DISCONNECT
            }
        }
    }

    private void subscribed(byte[] packet) throws IOException {
        int at = 2;
        int[] properties = varInt(packet, at);
        at = properties[1] + properties[0];
        ByteArrayOutputStream reasons = new ByteArrayOutputStream();
        while (at < packet.length) {
            int length = ((packet[at] & 0xFF) << 8) | (packet[at + 1] & 0xFF);
            subscriptions.add(new String(packet, at + 2, length, StandardCharsets.UTF_8));
            at += 2 + length + 1;
            reasons.write(1); // granted QoS 1
        }
        ByteArrayOutputStream subAck = new ByteArrayOutputStream();
        subAck.write(packet[0]);
        subAck.write(packet[1]);
        subAck.write(0); // no properties
        subAck.writeBytes(reasons.toByteArray());
        send(0x90, subAck.toByteArray());
    }

    private void published(byte[] packet) throws IOException {
        int topicLength = ((packet[0] & 0xFF) << 8) | (packet[1] & 0xFF);
        String topic = new String(packet, 2, topicLength, StandardCharsets.UTF_8);
        int at = 2 + topicLength;
        byte idHigh = packet[at];
        byte idLow = packet[at + 1];
        int[] properties = varInt(packet, at + 2);
        at = properties[1] + properties[0];
        published.add(new Published(topic, new String(packet, at, packet.length - at, StandardCharsets.UTF_8)));
        ByteArrayOutputStream pubAck = new ByteArrayOutputStream();
        pubAck.write(idHigh);
        pubAck.write(idLow);
        String reason = refusal;
        if (reason != null) {
            pubAck.write(0x80); // unspecified error
            ByteArrayOutputStream property = new ByteArrayOutputStream();
            property.write(0x1F); // reason string
            string(property, reason);
            pubAck.write(property.size());
            pubAck.writeBytes(property.toByteArray());
        }
        send(0x40, pubAck.toByteArray());
    }

    private synchronized void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.writeBytes(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    private static void string(ByteArrayOutputStream to, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        to.write(bytes.length >> 8);
        to.write(bytes.length);
        to.writeBytes(bytes);
    }

    private static int remainingLength(InputStream in) throws IOException {
        int value = 0;
        int shift = 0;
        int digit;
        do {
            digit = in.read();
            if (digit < 0) {
                throw new IOException("the device's packet ended in its length");
            }
            value |= (digit & 0x7F) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        return value;
    }

    /** A variable byte integer at {@code at}: its value and the index after it. */
    private static int[] varInt(byte[] packet, int at) {
        int value = 0;
        int shift = 0;
        int i = at;
        int digit;
        do {
            digit = packet[i++] & 0xFF;
            value |= (digit & 0x7F) << shift;
            shift += 7;
        } while ((digit & 0x80) != 0);
        return new int[] {value, i};
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket socket = session;
        if (socket != null) {
            socket.close();
        }
    }
}
