package org.telemetryhub.client.link;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.client.link.FrameVerdict.Rejection;

/**
 * The frames sent on one link that wait for the hub's answer. An MQTT PUBACK answers its very frame. The device
 * WebSocket's answers name seqs rather than frames: the hub answers a link's frames in the order it received them;
 * a rejection names one seq and comes before its frame's ack; the ack names the highest seq of the frame that was
 * not rejected; a frame whose every reading is rejected gets no ack. So each answer belongs to the oldest frame it
 * fits, even when a frame was sent twice or holds seqs out of order.
 */
final class InFlightFrames {

    private static final class Pending {
        final Frame frame;
        final CompletableFuture<FrameVerdict> verdict = new CompletableFuture<>();
        final TreeSet<Long> open;
        final List<Rejection> rejected = new ArrayList<>();

        Pending(Frame frame) {
            this.frame = frame;
            this.open = new TreeSet<>(frame.seqs());
        }
    }

    private final LinkedList<Pending> pending = new LinkedList<>();

    /** Registers a frame about to be sent; its future completes with the hub's verdict. */
    public synchronized CompletableFuture<FrameVerdict> add(Frame frame) {
        Pending p = new Pending(frame);
        pending.addLast(p);
        return p.verdict;
    }

    /** A {@code rejected} verdict; returns false when no frame in flight holds that seq. */
    public synchronized boolean rejected(Rejection rejection) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.open.remove(rejection.seq())) {
                p.rejected.add(rejection);
                if (p.open.isEmpty()) {
                    it.remove();
                    p.verdict.complete(new FrameVerdict.Answered(List.of(), p.rejected));
                }
                return true;
            }
        }
        return false;
    }

    /** An ack naming {@code seq}; returns false when no frame in flight has it as its highest open seq. */
    public synchronized boolean acked(long seq) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!p.open.isEmpty() && p.open.last() == seq) {
                it.remove();
                p.verdict.complete(new FrameVerdict.Answered(new ArrayList<>(p.open), p.rejected));
                return true;
            }
        }
        return false;
    }

    /** The hub acknowledged this very frame (an MQTT PUBACK): its open readings are stored. */
    public synchronized boolean acked(Frame frame) {
        Pending p = take(frame);
        return p != null && p.verdict.complete(new FrameVerdict.Answered(new ArrayList<>(p.open), p.rejected));
    }

    /** An MQTT PUBACK error for this very frame: its readings are rejected with {@code error}. */
    public synchronized boolean rejected(Frame frame, String error, String message) {
        Pending p = take(frame);
        if (p == null) {
            return false;
        }
        p.open.forEach(seq -> p.rejected.add(new Rejection(seq, error, message)));
        return p.verdict.complete(new FrameVerdict.Answered(List.of(), p.rejected));
    }

    /** The hub refused this very frame whole for now (an MQTT PUBACK error): resend after the wait. */
    public synchronized boolean refused(Frame frame, String error, long retryAfterMs) {
        Pending p = take(frame);
        return p != null && p.verdict.complete(new FrameVerdict.Refused(error, retryAfterMs));
    }

    /** Removes the oldest entry for this very frame (a frame sent twice is answered twice, in order). */
    private Pending take(Frame frame) {
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.frame == frame) {
                it.remove();
                return p;
            }
        }
        return null;
    }

    /**
     * A frame refused whole: the oldest one holding exactly {@code seqs}, or, when the hub names none (a failed
     * commit), the oldest frame still waiting. Returns false when none fits.
     */
    public synchronized boolean refused(List<Long> seqs, String error, long retryAfterMs) {
        Set<Long> named = new HashSet<>(seqs);
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (named.isEmpty() || new HashSet<>(p.frame.seqs()).equals(named)) {
                it.remove();
                p.verdict.complete(new FrameVerdict.Refused(error, retryAfterMs));
                return true;
            }
        }
        return false;
    }

    /** The link is gone: every frame still waiting ends Lost. */
    public synchronized void lostAll(String why) {
        pending.forEach(p -> p.verdict.complete(new FrameVerdict.Lost(why)));
        pending.clear();
    }
}
