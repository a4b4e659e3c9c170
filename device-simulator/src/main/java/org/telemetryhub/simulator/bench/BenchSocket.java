package org.telemetryhub.simulator.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket of {@link BenchSockets}. Reads happen on the selector thread, which also calls the listener; sends
 * may come from any thread and are written at once when nothing waits before them (the socket's buffer takes a short
 * frame whole), otherwise queued for the selector thread.
 */
final class BenchSocket {

    /** What a socket reports, always on the selector thread. */
    interface Listener {
        void onText(String text);

        /** The hub closed the socket (code and reason of its close frame, 1006 if it just went away). */
        void onClosed(int code, String reason);

        void onFailed(Throwable failure);
    }

    /** The hub answered the upgrade with {@code status} instead of 101. */
    static final class Refused extends IOException {
        private final int status;
        private final String body;

        Refused(int status, String body) {
            super("HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
            this.status = status;
            this.body = body;
        }

        int status() {
            return status;
        }

        String body() {
            return body;
        }
    }

    private static final String SUBPROTOCOL = "hub.v1";
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int NO_STATUS = 1005;
    private static final int ABNORMAL = 1006;

    private final BenchSockets sockets;
    private final SocketChannel channel;
    private final Listener listener;
    private final CompletableFuture<BenchSocket> opened;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final String key;
    private final ByteBuffer upgrade;
    private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
    private SelectionKey selection;
    private boolean open;
    private boolean closeSent;
    private volatile boolean ended;
    /** Bytes of an unfinished frame (or of the upgrade's response) left from the last read; selector thread only. */
    private byte[] leftover = new byte[0];
    private ByteArrayOutputStream fragments;

    BenchSocket(BenchSockets sockets, SocketChannel channel, URI uri, String ticket, Listener listener,
                CompletableFuture<BenchSocket> opened) {
        this.sockets = sockets;
        this.channel = channel;
        this.listener = listener;
        this.opened = opened;
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        this.key = Base64.getEncoder().encodeToString(nonce);
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: " + SUBPROTOCOL + "\r\n"
                + "Authorization: Bearer " + ticket + "\r\n"
                + "\r\n";
        this.upgrade = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }

    /** True from the upgrade until either side closed the socket or it failed. */
    boolean isOpen() {
        return open && !ended;
    }

    /** Sends a text frame; a socket that has ended drops it (its listener has heard why). */
    void send(String text) {
        enqueue(frame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Sends a close frame and completes when the hub's close frame came back or the socket ended otherwise; the
     * listener is not told of a close this side began.
     */
    CompletableFuture<Void> close(int code, String reason) {
        synchronized (this) {
            if (ended || closeSent) {
                return closed;
            }
            closeSent = true;
        }
        byte[] why = reason.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(2 + why.length).putShort((short) code).put(why);
        enqueue(frame(OP_CLOSE, payload.array()));
        return closed;
    }

    /** Drops the connection without a close frame. */
    void abort() {
        finish();
    }

    // ---- selector thread ----

    void register(Selector selector) {
        try {
            selection = channel.register(selector, SelectionKey.OP_CONNECT, this);
        } catch (ClosedChannelException e) {
            fail(e);
        }
    }

    void connected() {
        try {
            channel.finishConnect();
            channel.write(upgrade);
            selection.interestOps(upgrade.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        } catch (IOException e) {
            fail(e);
        }
    }

    void writable() {
        try {
            if (!open) {
                channel.write(upgrade);
                if (!upgrade.hasRemaining()) {
                    selection.interestOps(SelectionKey.OP_READ);
                }
                return;
            }
            synchronized (this) {
                while (!pending.isEmpty()) {
                    ByteBuffer next = pending.peek();
                    channel.write(next);
                    if (next.hasRemaining()) {
                        return;
                    }
                    pending.poll();
                }
                selection.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            fail(e);
        }
    }

    /**
     * Reads what arrived into {@code scratch} (after this socket's leftover bytes), handles every whole frame and
     * keeps the rest. Returns the scratch buffer to use from now on: a larger one when a frame did not fit.
     */
    ByteBuffer readable(ByteBuffer scratch) {
        scratch.clear();
        if (leftover.length >= scratch.capacity() / 2) {
            scratch = ByteBuffer.allocate(leftover.length * 4);
        }
        scratch.put(leftover);
        int read;
        try {
            read = channel.read(scratch);
        } catch (IOException e) {
            fail(e);
            return scratch;
        }
        scratch.flip();
        try {
            if (!open) {
                handshake(scratch);
            }
            while (open && !ended && frame(scratch)) {
                // one whole frame handled
            }
        } catch (IOException e) {
            fail(e);
            return scratch;
        }
        leftover = new byte[scratch.remaining()];
        scratch.get(leftover);
        if (read < 0 && !ended) {
            if (open) {
                end(ABNORMAL, "the hub closed the connection", true);
            } else {
                fail(new IOException("the hub closed the connection during the upgrade"));
            }
        }
        return scratch;
    }

    private void handshake(ByteBuffer in) throws IOException {
        String head = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
        int end = head.indexOf("\r\n\r\n");
        if (end < 0) {
            return;
        }
        String[] lines = head.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
        String accept = null;
        int contentLength = 0;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("sec-websocket-accept")) {
                accept = value;
            } else if (name.equals("content-length")) {
                contentLength = Integer.parseInt(value);
            }
        }
        if (status != 101) {
            if (head.length() - end - 4 < contentLength) {
                return; // the body is still on its way
            }
            throw new Refused(status, head.substring(end + 4, end + 4 + contentLength));
        }
        if (!expectedAccept().equals(accept)) {
            throw new IOException("the hub's upgrade answer has Sec-WebSocket-Accept " + accept + ", expected "
                    + expectedAccept());
        }
        in.position(in.position() + end + 4);
        open = true;
        opened.complete(this);
    }

    /** Handles one frame at the buffer's position; false (position unchanged) when it has not fully arrived. */
    private boolean frame(ByteBuffer in) throws IOException {
        int start = in.position();
        if (in.remaining() < 2) {
            return false;
        }
        int b0 = in.get() & 0xFF;
        int b1 = in.get() & 0xFF;
        long length = b1 & 0x7F;
        if (length == 126) {
            if (in.remaining() < 2) {
                in.position(start);
                return false;
            }
            length = in.getShort() & 0xFFFF;
        } else if (length == 127) {
            if (in.remaining() < 8) {
                in.position(start);
                return false;
            }
            length = in.getLong();
        }
        if (length > 16 * 1024 * 1024) {
            throw new IOException("a frame of " + length + " bytes from the hub");
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            if (in.remaining() < 4) {
                in.position(start);
                return false;
            }
            mask = new byte[4];
            in.get(mask);
        }
        if (in.remaining() < length) {
            in.position(start);
            return false;
        }
        byte[] payload = new byte[(int) length];
        in.get(payload);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
        }
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        switch (opcode) {
            case OP_TEXT, OP_CONTINUATION -> text(payload, fin, opcode == OP_TEXT);
            case OP_PING -> enqueue(frame(0xA, payload));
            case OP_CLOSE -> {
                int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : NO_STATUS;
                String reason = payload.length > 2
                        ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                boolean ours;
                synchronized (this) {
                    ours = closeSent;
                }
                if (!ours) {
                    close(code == NO_STATUS ? 1000 : code, "");
                }
                end(code, reason, !ours);
            }
            default -> { } // pong, binary: nothing the benchmark needs
        }
        return true;
    }

    private void text(byte[] payload, boolean fin, boolean first) {
        if (first && fin) {
            listener.onText(new String(payload, StandardCharsets.UTF_8));
            return;
        }
        if (first) {
            fragments = new ByteArrayOutputStream();
        }
        if (fragments != null) {
            fragments.writeBytes(payload);
            if (fin) {
                listener.onText(fragments.toString(StandardCharsets.UTF_8));
                fragments = null;
            }
        }
    }

    // ---- any thread ----

    private void enqueue(ByteBuffer frame) {
        boolean wake = false;
        synchronized (this) {
            if (ended) {
                return;
            }
            try {
                if (pending.isEmpty() && open) {
                    channel.write(frame);
                }
                if (frame.hasRemaining()) {
                    pending.add(frame);
                    if (selection != null && open) {
                        selection.interestOpsOr(SelectionKey.OP_WRITE);
                        wake = true;
                    }
                }
            } catch (IOException e) {
                if (finish()) {
                    listener.onFailed(e);
                }
                return;
            }
        }
        if (wake) {
            sockets.wakeup();
        }
    }

    private static ByteBuffer frame(int opcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        ByteBuffer frame = ByteBuffer.allocate(header + 4 + length);
        frame.put((byte) (0x80 | opcode));
        if (length < 126) {
            frame.put((byte) (0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.put((byte) (0x80 | 126)).putShort((short) length);
        } else {
            frame.put((byte) (0x80 | 127)).putLong(length);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        frame.putInt(mask);
        byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        for (int i = 0; i < length; i++) {
            frame.put((byte) (payload[i] ^ m[i & 3]));
        }
        return frame.flip();
    }

    private String expectedAccept() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private void fail(IOException failure) {
        boolean first = finish();
        if (!open) {
            opened.completeExceptionally(failure);
        } else if (first) {
            listener.onFailed(failure);
        }
    }

    private void end(int code, String reason, boolean report) {
        if (finish() && report) {
            listener.onClosed(code, reason);
        }
    }

    /** Marks the socket ended, drops the connection and completes {@link #closed}; true the first time only. */
    private boolean finish() {
        boolean first;
        synchronized (this) {
            first = !ended;
            ended = true;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // already gone
        }
        closed.complete(null);
        return first;
    }
}
