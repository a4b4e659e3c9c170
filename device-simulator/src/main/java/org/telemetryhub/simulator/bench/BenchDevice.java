package org.telemetryhub.simulator.bench;

import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.protocol.Wire;

/**
 * One benchmark device on {@code /ws/device}: numbers its readings, sends batch frames on a {@link BenchSocket}, and
 * matches the hub's acks, rejections and errors to the frames in flight. Frames are keyed by their highest seq; an ack names the highest stored seq of one
 * frame, so the frame is the one whose seq range holds it.
 */
final class BenchDevice implements BenchSocket.Listener {

    private static final class Frame {
        final long lowSeq;
        final int count;
        final long sentNanos;
        int rejected;

        Frame(long lowSeq, int count, long sentNanos) {
            this.lowSeq = lowSeq;
            this.count = count;
            this.sentNanos = sentNanos;
        }
    }

    private final String id;
    private final int batch;
    private final int maxInFlight;
    private final BenchStats stats;
    private final FrameDone onFrameDone;

    /** A frame ended (acked, rejected whole or refused); the next may go after {@code delayMs}. */
    @FunctionalInterface
    interface FrameDone {
        void done(BenchDevice device, long delayMs);
    }
    private final TreeMap<Long, Frame> inFlight = new TreeMap<>();
    private volatile BenchSocket socket;
    private long nextSeq;
    private boolean closed;
    private volatile boolean closing;

    BenchDevice(String id, long firstSeq, int batch, int maxInFlight, BenchStats stats,
                FrameDone onFrameDone) {
        this.id = id;
        this.nextSeq = firstSeq;
        this.batch = batch;
        this.maxInFlight = maxInFlight;
        this.stats = stats;
        this.onFrameDone = onFrameDone;
    }

    String id() {
        return id;
    }

    /** True from the open until the hub closes the socket, it fails, or the benchmark closes it. */
    boolean isOpen() {
        BenchSocket open = socket;
        synchronized (this) {
            if (closed || closing) {
                return false;
            }
        }
        return open != null && open.isOpen();
    }

    CompletableFuture<BenchDevice> connect(BenchSockets sockets, URI uri, String ticket) {
        return sockets.connect(uri, ticket, this).thenApply(open -> {
            socket = open;
            return this;
        });
    }

    /**
     * Sends the next frame, counted as sent at {@code sentNanos} (the moment it was due). Returns false when the
     * socket is closed or {@code maxInFlight} frames already wait for their acks (then the frame is skipped).
     */
    boolean send(long sentNanos) {
        synchronized (this) {
            if (closed || closing) {
                return false;
            }
            if (inFlight.size() >= maxInFlight) {
                stats.skipped();
                return false;
            }
            long first = nextSeq;
            nextSeq += batch;
            inFlight.put(first + batch - 1, new Frame(first, batch, sentNanos));
            stats.sent(batch, sentNanos);
            socket.send(BatchFrames.frame(first, batch, System.currentTimeMillis()));
        }
        return true;
    }

    @Override
    public void onText(String message) {
        handle(message, System.nanoTime());
    }

    void handle(String message, long now) {
        HubMessage decoded;
        try {
            decoded = Wire.decodeHubMessage(message);
        } catch (IOException | RuntimeException e) {
            stats.error("undecodable_message");
            return;
        }
        if (decoded instanceof HubMessage.Ack ack) {
            Frame frame;
            synchronized (this) {
                frame = take(ack.seq());
            }
            if (frame == null) {
                stats.unexpectedAck();
                return;
            }
            stats.acked(frame.count - frame.rejected, frame.sentNanos, now);
            onFrameDone.done(this, 0);
        } else if (decoded instanceof HubMessage.Rejected rejected) {
            stats.rejected(rejected.error());
            boolean done = false;
            synchronized (this) {
                Map.Entry<Long, Frame> entry = inFlight.ceilingEntry(rejected.seq());
                if (entry != null && entry.getValue().lowSeq <= rejected.seq()) {
                    Frame frame = entry.getValue();
                    frame.rejected++;
                    if (frame.rejected >= frame.count) {
                        inFlight.remove(entry.getKey());
                        done = true;
                    }
                }
            }
            if (done) {
                stats.endedWithoutAck();
                onFrameDone.done(this, 0);
            }
        } else if (decoded instanceof HubMessage.Error error) {
            stats.error(error.error());
            Frame refused = null;
            synchronized (this) {
                if (error.seqs() != null && !error.seqs().isEmpty()) {
                    refused = take(error.seqs().stream().mapToLong(Long::longValue).max().getAsLong());
                } else if ("store_unavailable".equals(error.error()) && !inFlight.isEmpty()) {
                    // sent in place of the ack of the oldest frame waiting for its commit
                    refused = inFlight.pollFirstEntry().getValue();
                }
            }
            if (refused != null) {
                stats.endedWithoutAck();
                // a rate-limited device sends again only after retryAfterMs, or the hub closes it
                onFrameDone.done(this, error.retryAfterMs() == null ? 0 : error.retryAfterMs());
            }
        }
    }

    /** Removes and returns the in-flight frame whose seq range holds {@code seq}. */
    private Frame take(long seq) {
        Map.Entry<Long, Frame> entry = inFlight.ceilingEntry(seq);
        if (entry == null || entry.getValue().lowSeq > seq) {
            return null;
        }
        inFlight.remove(entry.getKey());
        return entry.getValue();
    }

    @Override
    public void onClosed(int statusCode, String reason) {
        if (!closing) {
            lost("closed by the hub: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
        }
    }

    @Override
    public void onFailed(Throwable error) {
        if (!closing) {
            lost("socket error: " + describe(error));
        }
    }

    /** The socket is gone before the end: its frames in flight will never be acked. */
    private void lost(String why) {
        int frames;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            frames = inFlight.size();
            inFlight.clear();
        }
        stats.closed(why);
        for (int i = 0; i < frames; i++) {
            stats.endedWithoutAck();
            stats.error("lost_in_flight_on_close");
        }
    }

    /** Stops sending and closes the socket normally; completes when the close frame went out (or failed). */
    CompletableFuture<Void> close() {
        closing = true;
        BenchSocket open = socket;
        return open == null ? CompletableFuture.completedFuture(null) : open.close(1000, "benchmark done");
    }

    void abort() {
        closing = true;
        BenchSocket open = socket;
        if (open != null) {
            open.abort();
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause != cause.getCause()
                && cause instanceof java.util.concurrent.CompletionException) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    }
}
