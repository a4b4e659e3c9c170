package org.telemetryhub.hub.ws;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.commands.CommandDelivery;
import org.telemetryhub.hub.commands.ControlFrames;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.ingest.DeviceConnections;
import org.telemetryhub.hub.ingest.IngestPipeline;
import org.telemetryhub.hub.ingest.IngestPipeline.Accepted;
import org.telemetryhub.hub.ingest.IngestPipeline.Refused;
import org.telemetryhub.protocol.ErrorCode;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One device's WebSocket. Frames go through the ingest pipeline; verdicts come back as frames, acks only after the
 * commit. The socket is also the device's control link: commands go out as {@code command} frames (delivered once
 * written) and desired-state changes as {@code state_delta}; {@code command_result} and {@code state} frames are
 * answered with {@code command_ack} and {@code state_ack} once stored. Reading is
 * demand-driven: with too many frames waiting for their commit, the socket stops reading, so a
 * fast device is slowed by TCP instead of filling the hub's memory.
 */
public final class DeviceSocket extends TextSocket implements DeviceConnections.Link, CommandDelivery.Link {

    private static final Logger log = LoggerFactory.getLogger(DeviceSocket.class);

    private final DeviceRef device;
    private final IngestPipeline pipeline;
    private final ControlFrames control;
    private final CommandDelivery delivery;
    private final DeviceConnections connections;
    private final DeviceConnections.Slot slot;
    /**
     * Frames all device sockets together may have waiting for their commits (each a few hundred bytes to a few KB in
     * memory until then): 10,000 sockets of 16 each filled the 256 MB heap as soon as they all sent at once.
     */
    static final int PENDING_FRAMES_PER_HUB = 16_000;

    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    /** When the ticket that opened this socket was taken. */
    private final long grantedNanos = System.nanoTime();
    private final Consumer<DeviceSocket> onClosed;
    private boolean paused;

    DeviceSocket(DeviceRef device, IngestPipeline pipeline, ControlFrames control, CommandDelivery delivery,
                 DeviceConnections connections, DeviceConnections.Slot slot, int maxPending,
                 Consumer<DeviceSocket> onClosed) {
        this.onClosed = onClosed;
        this.device = device;
        this.pipeline = pipeline;
        this.control = control;
        this.delivery = delivery;
        this.connections = connections;
        this.slot = slot;
        this.maxPending = maxPending;
    }

    @Override
    public DeviceRef device() {
        return device;
    }

    @Override
    public String transport() {
        return "ws";
    }

    @Override
    protected void opened() {
        slot.opened();
        connections.opened(this, grantedNanos);
        log.debug("event=device_connected device={}", device.id());
        delivery.connected(this);
        readMore();
    }

    @Override
    protected void text(String frame) {
        Optional<HubMessage> answered = control.answer(device, frame);
        if (answered.isPresent()) {
            send(answered.get());
            readMore();
            return;
        }
        IngestPipeline.FrameResult result = pipeline.accept(device, frame);
        if (result instanceof Refused refused) {
            send(refused.error());
            if (refused.close()) {
                close(CloseStatus.POLICY_VIOLATION, "resent early three times while rate limited");
                return;
            }
        } else if (result instanceof Accepted accepted) {
            accepted.rejectedNow().forEach(this::send);
            pending.incrementAndGet();
            accepted.committed().whenComplete((verdicts, failure) -> {
                if (failure != null) {
                    send(HubMessage.Error.of(ErrorCode.STORE_UNAVAILABLE,
                            "the store did not commit this frame; resend its readings"));
                } else {
                    verdicts.rejected().forEach(this::send);
                    verdicts.ackSeq().ifPresent(seq -> send(new HubMessage.Ack(seq)));
                }
                pending.decrementAndGet();
                resume();
            });
        }
        demandOrPause();
    }

    /**
     * How many of this socket's frames may wait for their commits before it stops reading (TCP then holds the device
     * back): {@code ingest.maxPendingPerConnection}, or its share of {@link #PENDING_FRAMES_PER_HUB} when many
     * sockets are open, and always at least one.
     */
    private int window() {
        return Math.max(1, Math.min(maxPending, PENDING_FRAMES_PER_HUB / Math.max(1, connections.open())));
    }

    @Override
    protected void closed(int statusCode, String reason) {
        onClosed.accept(this);
        delivery.disconnected(this);
        connections.closed(this);
        slot.close();
        log.debug("event=device_disconnected device={} code={}", device.id(), statusCode);
    }

    @Override
    protected void failed(Throwable cause) {
        log.debug("event=device_socket_error device={} error={}", device.id(), cause.toString());
    }

    /** Silent for two ping intervals: the device goes offline. */
    @Override
    protected void cut() {
        log.info("event=device_unresponsive device={}", device.id());
    }

    /** Writes each command as a frame, in order; they count as delivered once every write has succeeded. */
    @Override
    public boolean offer(List<Command> given, Runnable taken) {
        if (!isOpen()) {
            return false;
        }
        AtomicInteger unwritten = new AtomicInteger(given.size());
        Callback written = Callback.from(() -> {
            if (unwritten.decrementAndGet() == 0) {
                taken.run();
            }
        }, failure -> log.debug("event=command_write_failed device={} error={}", device.id(), failure.toString()));
        given.forEach(command -> sendText(Wire.encode(command.message()), written));
        return true;
    }

    @Override
    public boolean deliversOnOffer() {
        return false;
    }

    @Override
    public void stateDelta(HubMessage.StateDelta delta) {
        send(delta);
    }

    @Override
    public void close(String reason) {
        close(CloseStatus.POLICY_VIOLATION, reason);
    }

    void shutdown() {
        close(CloseStatus.SHUTDOWN, "hub shutting down");
    }

    private void send(HubMessage message) {
        if (isOpen()) {
            sendText(Wire.encode(message), Callback.NOOP);
        }
    }

    /** Reads on unless too many frames wait for their commits. */
    @Override
    protected synchronized void readMore() {
        if (!paused) {
            super.readMore();
        }
    }

    /**
     * Reads on while fewer frames than the window wait for their commits, else pauses. Under the same lock as
     * {@link #resume}, which runs after a commit took a frame off {@code pending}: a pause decided on a count that
     * a commit lowered meanwhile is then always lifted (when the count was read outside the lock, a verdict between
     * the read and the pause left the socket paused for good, and the hub cut it as silent 30 s later).
     */
    private synchronized void demandOrPause() {
        if (pending.get() < window()) {
            readMore();
        } else {
            paused = true;
        }
    }

    private synchronized void resume() {
        if (paused && pending.get() < window()) {
            paused = false;
            readMore();
        }
    }
}
