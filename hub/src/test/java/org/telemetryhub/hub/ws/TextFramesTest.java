package org.telemetryhub.hub.ws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;
import org.telemetryhub.protocol.Wire;

/**
 * The hub's WebSocket end as a device's raw frames meet it: a text message may come in fragments, must be UTF-8,
 * and is bounded in size across its fragments; pings are answered with their payload.
 */
class TextFramesTest {

    static final byte CONTINUATION = 0;
    static final byte TEXT = 1;
    static final byte CLOSE = 8;
    static final byte PING = 9;
    static final byte PONG = 10;

    static TestHub hub;
    static Api admin;

    @BeforeAll
    static void start() {
        hub = TestHub.start(Map.of("ingest.maxBodyBytes", "4096"));
        admin = hub.admin();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void a_reading_sent_in_three_fragments_is_stored_and_acked_once() throws IOException {
        byte[] reading = Readings.one(1, hub.clock.millis()).getBytes(StandardCharsets.UTF_8);
        int third = reading.length / 3;
        try (RawDevice device = RawDevice.connect(admin.ticket(admin.provision("fragmented")))) {
            device.send(TEXT, false, Arrays.copyOfRange(reading, 0, third));
            device.send(CONTINUATION, false, Arrays.copyOfRange(reading, third, 2 * third));
            device.send(CONTINUATION, true, Arrays.copyOfRange(reading, 2 * third, reading.length));

            Frame ack = device.next();

            assertEquals(TEXT, ack.opcode());
            assertEquals("ack", Wire.tree(ack.text()).get("type").asText());
            assertEquals(1, Wire.tree(ack.text()).get("seq").asLong());
        }
        assertEquals(1, hub.storedCount("fragmented"));
    }

    @Test
    void a_text_message_that_is_not_utf8_closes_the_socket_with_1007_and_stores_nothing() throws IOException {
        byte[] reading = Readings.one(1, hub.clock.millis()).getBytes(StandardCharsets.UTF_8);
        byte[] malformed = Arrays.copyOf(reading, reading.length);
        malformed[reading.length - 3] = (byte) 0xC3; // a two-byte sequence's lead byte followed by ASCII
        try (RawDevice device = RawDevice.connect(admin.ticket(admin.provision("not-utf8")))) {
            device.send(TEXT, true, malformed);

            assertEquals(1007, device.closeCode());
        }
        assertEquals(0, hub.storedCount("not-utf8"));
    }

    @Test
    void a_text_message_holding_the_replacement_character_itself_is_read_as_text() throws IOException {
        try (RawDevice device = RawDevice.connect(admin.ticket(admin.provision("replacement")))) {
            device.send(TEXT, true, "{\"type\":\"\uFFFD\"}".getBytes(StandardCharsets.UTF_8));
            Frame refused = device.next();
            device.send(TEXT, true, Readings.one(1, hub.clock.millis()).getBytes(StandardCharsets.UTF_8));

            assertEquals("error", Wire.tree(refused.text()).get("type").asText());
            assertEquals("ack", Wire.tree(device.next().text()).get("type").asText());
        }
    }

    @Test
    void fragments_over_the_size_limit_together_close_the_socket_with_1009() throws IOException {
        byte[] part = ("{\"pad\":\"" + "x".repeat(2_000)).getBytes(StandardCharsets.UTF_8);
        try (RawDevice device = RawDevice.connect(admin.ticket(admin.provision("big-fragments")))) {
            device.send(TEXT, false, part);
            device.send(CONTINUATION, false, part);
            device.send(CONTINUATION, true, part);

            assertEquals(1009, device.closeCode());
        }
        assertEquals(0, hub.storedCount("big-fragments"));
    }

    @Test
    void a_ping_is_answered_with_a_pong_holding_its_payload() throws IOException {
        byte[] payload = "are you there".getBytes(StandardCharsets.UTF_8);
        try (RawDevice device = RawDevice.connect(admin.ticket(admin.provision("pinger")))) {
            device.send(PING, true, payload);

            Frame pong = device.next();

            assertEquals(PONG, pong.opcode());
            assertArrayEquals(payload, pong.payload());
        }
    }

    record Frame(byte opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A device speaking RFC 6455 frame by frame over a plain socket: masked frames out, the hub's frames in. */
    static final class RawDevice implements AutoCloseable {

        private final Socket socket;
        private final OutputStream out;
        private final DataInputStream in;

        private RawDevice(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.in = new DataInputStream(socket.getInputStream());
        }

        static RawDevice connect(String ticket) throws IOException {
            Socket socket = new Socket("127.0.0.1", hub.hub.port());
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws/device HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " + ticket + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = head(socket.getInputStream());
            assertEquals("HTTP/1.1 101", head.substring(0, 12), head);
            return new RawDevice(socket);
        }

        void send(byte opcode, boolean fin, byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write((fin ? 0x80 : 0) | opcode);
            if (payload.length < 126) {
                frame.write(0x80 | payload.length);
            } else {
                frame.write(0x80 | 126);
                frame.write(payload.length >>> 8);
                frame.write(payload.length & 0xFF);
            }
            byte[] mask = {0x12, 0x34, 0x56, 0x78};
            frame.write(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
            out.write(frame.toByteArray());
            out.flush();
        }

        Frame next() throws IOException {
            int first = in.readUnsignedByte();
            int length = in.readUnsignedByte() & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = (int) in.readLong();
            }
            byte[] payload = new byte[length];
            in.readFully(payload);
            return new Frame((byte) (first & 0x0F), payload);
        }

        /** Skips to the hub's close frame and gives its code. */
        int closeCode() throws IOException {
            Frame frame = next();
            while (frame.opcode() != CLOSE) {
                frame = next();
            }
            return ByteBuffer.wrap(frame.payload()).getShort() & 0xFFFF;
        }

        private static String head(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the hub closed before answering the upgrade: " + head);
                }
                head.append((char) b);
            }
            return head.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
