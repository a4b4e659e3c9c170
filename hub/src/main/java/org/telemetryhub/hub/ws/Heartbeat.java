package org.telemetryhub.hub.ws;

import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * Liveness of one socket: pings once per interval, and cuts a peer that has sent nothing, not even a pong, for two
 * intervals, so a dropped TCP connection is noticed within two ping intervals. Checked several times per interval.
 */
final class Heartbeat {

    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long lastPingNanos = System.nanoTime();

    /** Anything from the peer (a frame, a ping, a pong) shows it is alive. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** False when the peer was cut for silence. */
    boolean check(Session session, long now, long intervalNanos) {
        if (session == null || !session.isOpen()) {
            return true;
        }
        if (now - lastHeardNanos > 2 * intervalNanos) {
            session.disconnect();
            return false;
        }
        if (now - lastPingNanos >= intervalNanos) {
            lastPingNanos = now;
            session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
        }
        return true;
    }
}
