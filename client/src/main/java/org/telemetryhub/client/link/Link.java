package org.telemetryhub.client.link;

import java.util.concurrent.CompletableFuture;

/**
 * A device's open way to the hub, made from one ticket: a WebSocket, an MQTT session, or HTTP requests bearing the
 * ticket. Every frame sent gets exactly one {@link FrameVerdict}. Futures may complete on a transport thread that
 * holds the link's lock, so callers attach asynchronous stages only.
 */
public interface Link {

    /** Sends a frame after the ones sent before it; never fails: a frame the link cannot deliver ends Lost. */
    CompletableFuture<FrameVerdict> send(Frame frame);

    /**
     * Sends a control frame ({@code command_result}, {@code state}) after the frames sent before it; a link without a
     * control channel drops it.
     */
    default void control(String frame) {
    }

    /** Closes the link in order (a WebSocket close handshake); frames still unanswered end Lost. */
    void close();

    /** Drops the connection without any close handshake, as a cut cable would; frames unanswered end Lost. */
    void cut();
}
