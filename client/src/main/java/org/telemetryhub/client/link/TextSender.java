package org.telemetryhub.client.link;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Sends a WebSocket's text frames one after the other, in the order given: the JDK allows one send outstanding at a
 * time, so later frames wait in a queue. A send that fails is reported once to {@code failed}; after {@link #end}
 * nothing more goes out.
 */
public final class TextSender {

    private final ArrayDeque<String> queued = new ArrayDeque<>();
    private final Consumer<Throwable> failed;
    private volatile WebSocket socket;
    private boolean sending;
    private boolean ended;

    public TextSender(Consumer<Throwable> failed) {
        this.failed = failed;
    }

    /** The socket to send on, from the listener's {@code onOpen}. */
    public void open(WebSocket webSocket) {
        this.socket = webSocket;
    }

    /** The socket given to {@link #open}, or null before. */
    public WebSocket socket() {
        return socket;
    }

    /** Sends now, or after the frames before it; false once the sender has ended. */
    public boolean send(String text) {
        synchronized (this) {
            if (ended) {
                return false;
            }
            if (sending) {
                queued.addLast(text);
                return true;
            }
            sending = true;
        }
        transmit(text);
        return true;
    }

    /** Drops the frames that wait and refuses new ones. */
    public synchronized void end() {
        ended = true;
        queued.clear();
    }

    /** A send that does not finish at once continues from its completion. */
    private void transmit(String first) {
        String text = first;
        while (text != null) {
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(text, true);
            } catch (RuntimeException e) {
                failed.accept(e);
                return;
            }
            if (!sent.isDone() || sent.isCompletedExceptionally()) {
                sent.whenComplete((ws, failure) -> {
                    if (failure != null) {
                        failed.accept(failure);
                    } else {
                        transmit(nextQueued());
                    }
                });
                return;
            }
            text = nextQueued();
        }
    }

    private synchronized String nextQueued() {
        String next = ended ? null : queued.pollFirst();
        if (next == null) {
            sending = false;
        }
        return next;
    }
}
