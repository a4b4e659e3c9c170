package org.telemetryhub.client.link;

import java.util.concurrent.CompletableFuture;
import org.telemetryhub.protocol.DeviceControl;

/**
 * A device's open way to the hub, made from one ticket: a WebSocket, an MQTT session, or HTTP requests bearing the
 * ticket. Every frame sent gets exactly one {@link FrameVerdict}. Futures may complete on a transport thread that
 * holds the link's lock, so callers attach asynchronous stages only.
 */
public interface Link {

    /** Sends a frame after the ones sent before it; never fails: a frame the link cannot deliver ends Lost. */
    CompletableFuture<FrameVerdict> send(Frame frame);

    /**
     * Sends a command's result or the reported state; the hub's answer comes to the listener as a
     * {@code command_ack} or {@code state_ack}. Nothing comes when the link ends first: a command whose result was
     * not stored is delivered again on the next link.
     */
    void control(DeviceControl control);

    /** Closes the link in order (a WebSocket close handshake); frames still unanswered end Lost. */
    void close();

    /** Drops the connection without any close handshake, as a cut cable would; frames unanswered end Lost. */
    void cut();
}
