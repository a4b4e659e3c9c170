package org.telemetryhub.hub.ws;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.exception.BadPayloadException;
import org.eclipse.jetty.websocket.core.exception.MessageTooLargeException;

/**
 * The hub's end of one WebSocket, on Jetty's core WebSocket API: whole text messages in, text frames out, pings
 * answered, binary messages refused with 1003, and the peer's liveness watched (a ping once per interval; a peer
 * that has sent nothing, not even a pong, for two intervals is cut, so a dropped TCP connection is noticed within two
 * ping intervals). Frames are read on demand only: a subclass asks for the next one with {@link #readMore()} when it
 * is ready for it.
 *
 * <p>Jetty's higher-level WebSocket API kept a copy of each socket's upgrade request and response for the socket's
 * life, and through the request's headers the HTTP connection it came on, with its parser and channel: about 5 KB a
 * socket, a third of what a device connection cost the hub. The core API keeps only what was negotiated. A text
 * message in one frame, the usual case, is decoded straight from the frame's bytes, without the 1 KB builder the
 * higher-level API allocated for every message.
 */
abstract class TextSocket implements FrameHandler {

    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile CoreSession session;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();
    private boolean demanding;
    /** A text message arriving in several frames, gathered until its last one; null between messages. */
    private byte[] gathered;
    private int gatheredLength;

    /** The socket is open: frames may be sent; nothing is read until {@link #readMore()}. */
    protected abstract void opened();

    /** One whole text message. */
    protected abstract void text(String message);

    /** The socket is closed (by either side, or cut), once. */
    protected abstract void closed(int code, String reason);

    /** Something went wrong on the socket; Jetty closes it next. */
    protected abstract void failed(Throwable cause);

    /** Asks for the next frame, unless one is asked for already. Subclasses that hold frames back override this. */
    protected synchronized void readMore() {
        CoreSession s = session;
        if (!demanding && s != null) {
            demanding = true;
            s.demand();
        }
    }

    @Override
    public final void onOpen(CoreSession coreSession, Callback callback) {
        this.session = coreSession;
        try {
            opened();
            callback.succeeded();
        } catch (Throwable failure) {
            callback.failed(failure);
        }
    }

    @Override
    public final void onFrame(Frame frame, Callback callback) {
        frameArrived();
        try {
            switch (frame.getOpCode()) {
                case OpCode.TEXT, OpCode.CONTINUATION -> textFrame(frame, callback);
                case OpCode.BINARY -> {
                    callback.succeeded();
                    close(CloseStatus.BAD_DATA, "binary frames are not accepted; send JSON text frames");
                }
                case OpCode.PING -> {
                    ByteBuffer payload = frame.getPayload(); // Jetty reuses it once the frame is done
                    send(new Frame(OpCode.PONG).setPayload(payload == null ? BufferUtil.EMPTY_BUFFER
                            : BufferUtil.copy(payload)), Callback.NOOP);
                    callback.succeeded();
                    readMore();
                }
                case OpCode.CLOSE -> {
                    CloseStatus status = CloseStatus.getCloseStatus(frame);
                    end(status == null ? CloseStatus.NO_CODE : status.getCode(),
                            status == null ? null : status.getReason());
                    callback.succeeded(); // Jetty answers the close frame
                }
                default -> {
                    callback.succeeded();
                    readMore();
                }
            }
        } catch (Throwable failure) {
            callback.failed(failure);
        }
    }

    @Override
    public final void onError(Throwable cause, Callback callback) {
        failed(cause);
        callback.succeeded();
    }

    @Override
    public final void onClosed(CloseStatus status, Callback callback) {
        end(status.getCode(), status.getReason());
        callback.succeeded();
    }

    /** Sends one text frame; {@code done} learns whether it was written. */
    protected final void sendText(String message, Callback done) {
        send(new Frame(OpCode.TEXT).setPayload(message), done);
    }

    protected final boolean isOpen() {
        CoreSession s = session;
        return s != null && s.isOutputOpen();
    }

    /** Closes with a close frame that says why. */
    protected final void close(int code, String reason) {
        CoreSession s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    /** The peer was cut for silence. */
    protected void cut() {}

    /** Pings, or cuts the peer when it has been silent for two intervals; run several times per interval. */
    final void keepAlive(long now, long intervalNanos) {
        CoreSession s = session;
        if (s == null || !s.isOutputOpen()) {
            return;
        }
        if (now - lastHeardNanos > 2 * intervalNanos) {
            s.abort();
            cut();
        } else if (now - lastPingNanos >= intervalNanos) {
            lastPingNanos = now;
            send(new Frame(OpCode.PING), Callback.NOOP);
        }
    }

    private void send(Frame frame, Callback done) {
        CoreSession s = session;
        if (s == null) {
            done.failed(new IllegalStateException("the socket is not open"));
            return;
        }
        s.sendFrame(frame, done, false);
    }

    private synchronized void frameArrived() {
        lastHeardNanos = System.nanoTime();
        demanding = false;
    }

    private void end(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            closed(code, reason);
        }
    }

    private void textFrame(Frame frame, Callback callback) {
        ByteBuffer payload = frame.getPayload();
        int length = payload == null ? 0 : payload.remaining();
        if (frame.getOpCode() == OpCode.CONTINUATION && gathered == null) {
            callback.succeeded(); // the rest of a refused binary message
            readMore();
            return;
        }
        long max = session.getMaxTextMessageSize();
        long size = (long) gatheredLength + length;
        if (max > 0 && size > max) {
            forgetGathered();
            callback.failed(new MessageTooLargeException(String.format("Text message too large: %,d > %,d", size,
                    max)));
            return;
        }
        byte[] message;
        int messageLength;
        if (frame.isFin() && gathered == null) { // the usual case: a whole message in one frame
            message = new byte[length];
            messageLength = length;
            if (length > 0) {
                payload.get(payload.position(), message);
            }
        } else {
            if (gathered == null) {
                gathered = new byte[Math.max(length * 2, 256)];
            } else if (gathered.length < size) {
                gathered = Arrays.copyOf(gathered, (int) Math.min(Math.max(size, 2L * gathered.length),
                        Integer.MAX_VALUE - 8));
            }
            if (length > 0) {
                payload.get(payload.position(), gathered, gatheredLength, length);
            }
            gatheredLength += length;
            if (!frame.isFin()) {
                callback.succeeded();
                readMore();
                return;
            }
            message = gathered;
            messageLength = gatheredLength;
            forgetGathered();
        }
        text(decode(message, messageLength));
        callback.succeeded();
    }

    private void forgetGathered() {
        gathered = null;
        gatheredLength = 0;
    }

    /**
     * UTF-8, strictly: the lenient decoder, which is the fast one, marks what is not UTF-8 with U+FFFD, and only a
     * message holding that character is decoded again strictly to tell a malformed one (refused with 1007) from one
     * that sent the character itself.
     */
    private static String decode(byte[] bytes, int length) {
        String text = new String(bytes, 0, length, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, length));
            } catch (CharacterCodingException malformed) {
                throw new BadPayloadException.InvalidUtf8();
            }
        }
        return text;
    }
}
