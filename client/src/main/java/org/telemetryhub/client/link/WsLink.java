package org.telemetryhub.client.link;

import java.io.IOException;
import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One device WebSocket. Sends frames one after the other (the JDK allows one send outstanding at a time; later frames
 * wait in order) and turns the hub's {@code ack}, {@code rejected} and {@code error} frames into verdicts through
 * {@link InFlightFrames}; its {@code command}, {@code command_ack} and {@code state_delta} frames go to the
 * listener.
 */
final class WsLink implements Link, WebSocket.Listener {

    private static final long CLOSE_GRACE_MS = 5_000;

    private final LinkListener listener;
    private final InFlightFrames inFlight = new InFlightFrames();
    private final ArrayDeque<String> queued = new ArrayDeque<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    private boolean sending;
    private boolean ended;

    WsLink(LinkListener listener) {
        this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletableFuture<FrameVerdict> send(Frame frame) {
        CompletableFuture<FrameVerdict> verdict = inFlight.add(frame);
        if (!enqueue(frame.json())) {
            inFlight.lostAll("the link was closed");
        }
        return verdict;
    }

    @Override
    public void control(String frame) {
        enqueue(frame);
    }

    /** Sends now, or after the frames before it; false when the link has ended. */
    private boolean enqueue(String text) {
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

    /** Sends text frames in order; a send that does not finish at once continues from its completion. */
    private void transmit(String first) {
        String text = first;
        while (text != null) {
            CompletableFuture<WebSocket> sent;
            try {
                sent = socket.sendText(text, true);
            } catch (RuntimeException e) {
                end("send failed: " + e);
                return;
            }
            if (!sent.isDone()) {
                sent.whenComplete((ws, failure) -> {
                    if (failure != null) {
                        end("send failed: " + failure);
                    } else {
                        transmit(nextQueued());
                    }
                });
                return;
            }
            if (sent.isCompletedExceptionally()) {
                end("send failed");
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

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            answer(text);
        }
        webSocket.request(1);
        return null;
    }

    private void answer(String text) {
        HubMessage message;
        try {
            message = Wire.decodeHubMessage(text);
        } catch (IOException | RuntimeException e) {
            cut("the hub sent a frame that is no hub message: " + text.substring(0, Math.min(64, text.length())));
            return;
        }
        if (message instanceof HubMessage.Command || message instanceof HubMessage.StateDelta
                || message instanceof HubMessage.CommandAck) {
            listener.heard(message);
        } else if (message instanceof HubMessage.Ack ack) {
            inFlight.acked(ack.seq());
        } else if (message instanceof HubMessage.Rejected rejected) {
            inFlight.rejected(new FrameVerdict.Rejection(rejected.seq(), rejected.error(), rejected.message()));
        } else if (message instanceof HubMessage.Error error) {
            long retryAfterMs = error.retryAfterMs() == null ? 0 : error.retryAfterMs();
            if (error.seqs() != null && !error.seqs().isEmpty()) {
                inFlight.refused(error.seqs(), error.error(), retryAfterMs);
            } else if ("store_unavailable".equals(error.error())) {
                // sent in place of the ack of the oldest frame waiting for its commit
                inFlight.refused(List.of(), error.error(), retryAfterMs);
            } else {
                // bad_message or batch_too_large: a frame a well-behaved device never sends
                cut("the hub answered " + error.error() + ": " + error.message());
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end("closed by the hub: " + statusCode + (reason == null || reason.isEmpty() ? "" : " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end("socket error: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : " " + error.getMessage()));
    }

    @Override
    public void close() {
        WebSocket ws = socket;
        synchronized (this) {
            if (ended) {
                return;
            }
            queued.clear();
        }
        // Answers to frames in flight may still come until the hub's close frame; then onClose ends the link.
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "device reconnects")
                .orTimeout(CLOSE_GRACE_MS, TimeUnit.MILLISECONDS)
                .whenComplete((w, failure) -> CompletableFuture.delayedExecutor(CLOSE_GRACE_MS, TimeUnit.MILLISECONDS)
                        .execute(() -> cut("no close frame from the hub")));
    }

    @Override
    public void cut() {
        cut("cut by the device");
    }

    private void cut(String why) {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
        end(why);
    }

    /** The link is over: unanswered frames end Lost and the listener hears it once. */
    private void end(String why) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            queued.clear();
        }
        inFlight.lostAll(why);
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed()) {
            ws.abort();
        }
        listener.down(why);
    }
}
