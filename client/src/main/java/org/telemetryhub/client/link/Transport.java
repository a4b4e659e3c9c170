package org.telemetryhub.client.link;

import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.Ticket;

/**
 * One way devices reach the hub. A transport turns a fresh ticket into a {@link Link} and the hub's answers into
 * {@link FrameVerdict}s; everything else (numbering, store-and-forward, resends, backoff, faults) lives in the device
 * and is the same for every transport. Adding a protocol means one class implementing this interface.
 */
public interface Transport extends AutoCloseable {

    /** The name used on the command line and in reports: {@code ws}, {@code http}, {@code mqtt}. */
    String name();

    /**
     * Opens a link for the device with a ticket it has just been given. Fails when the hub refuses or cannot be
     * reached; the device then retries with a new ticket after a backoff.
     */
    CompletableFuture<Link> open(String deviceId, Ticket ticket, LinkListener listener);

    /** The most readings one frame may carry on this transport, whatever {@code --batch} asks. */
    default int maxBatch() {
        return Integer.MAX_VALUE;
    }

    @Override
    void close();
}
