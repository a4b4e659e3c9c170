package org.telemetryhub.client.link;

import java.io.IOException;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.protocol.DeviceControl;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One device WebSocket. Sends frames one after the other through a {@link TextSender} and turns the hub's
 * {@code ack}, {@code rejected} and {@code error} frames into verdicts through {@link InFlightFrames}; its
 * {@code command}, {@code command_ack}, {@code state_delta} and {@code state_ack} frames go to the listener.
 */
final class WsLink implements Link, WebSocket.Listener {

    private static final long CLOSE_GRACE_MS = 5_000;

    private final LinkListener listener;
    private final InFlightFrames inFlight = new InFlightFrames();
    private final TextSender sender = new TextSender(failure -> end("send failed: " + failure));
    private final TextMessages texts = new TextMessages();
    private boolean ended;

    WsLink(LinkListener listener) {
        this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        sender.open(webSocket);
        webSocket.request(1);
    }

    @Override
    public CompletableFuture<FrameVerdict> send(Frame frame) {
        CompletableFuture<FrameVerdict> verdict = inFlight.add(frame);
        if (!sender.send(frame.json())) {
            inFlight.lostAll("the link was closed");
        }
        return verdict;
    }

    @Override
    public void control(DeviceControl control) {
        sender.send(Wire.encode(control));
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        return texts.onText(webSocket, data, last, this::answer);
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
        WebSocket ws = sender.socket();
        synchronized (this) {
            if (ended) {
                return;
            }
        }
        sender.end();
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
        WebSocket ws = sender.socket();
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
        }
        sender.end();
        inFlight.lostAll(why);
        WebSocket ws = sender.socket();
        if (ws != null && !ws.isOutputClosed()) {
            ws.abort();
        }
        listener.down(why);
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
                || message instanceof HubMessage.CommandAck || message instanceof HubMessage.StateAck) {
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
}
