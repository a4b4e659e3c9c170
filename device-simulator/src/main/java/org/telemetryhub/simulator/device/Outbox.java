package org.telemetryhub.simulator.device;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The store-and-forward buffer of one device: every reading it made and the hub has neither acked nor rejected, and
 * the order in which they go out next. A reading leaves only when it is settled (acked or rejected); a frame that
 * is lost or refused puts its readings back at the front. One reading may be held back to go after the next one
 * (the out-of-order fault). Not thread-safe: its device guards it.
 */
final class Outbox {

    private final TreeMap<Long, DeviceReading> kept = new TreeMap<>();
    private final Set<Long> sentBefore = new HashSet<>();
    private Set<Long> queue = new LinkedHashSet<>();
    private Long heldBack;

    /** Keeps a new reading; with {@code holdBack} (and none held yet) it goes out after the next one. */
    void keep(DeviceReading reading, boolean holdBack) {
        long seq = reading.seq();
        kept.put(seq, reading);
        if (heldBack != null) {
            queue.add(seq);
            releaseHeldBack();
        } else if (holdBack) {
            heldBack = seq;
        } else {
            queue.add(seq);
        }
    }

    boolean holdsBack() {
        return heldBack != null;
    }

    void releaseHeldBack() {
        if (heldBack != null) {
            queue.add(heldBack);
            heldBack = null;
        }
    }

    int size() {
        return kept.size();
    }

    /** Readings waiting to go out (not counting one held back). */
    int queued() {
        return queue.size();
    }

    /** Takes up to {@code max} readings off the front of the queue for the next frame. */
    List<DeviceReading> take(int max) {
        List<DeviceReading> next = new ArrayList<>(Math.min(max, queue.size()));
        for (Iterator<Long> it = queue.iterator(); it.hasNext() && next.size() < max; ) {
            DeviceReading reading = kept.get(it.next());
            it.remove();
            if (reading != null) {
                next.add(reading);
            }
        }
        return next;
    }

    /** Marks the readings of a frame as sent; returns how many went out for the first time. */
    int sent(List<Long> seqs) {
        int first = 0;
        for (long seq : seqs) {
            if (sentBefore.add(seq)) {
                first++;
            }
        }
        return first;
    }

    /** The hub acked or rejected this seq: it leaves for good. Returns false when it had left already. */
    boolean settle(long seq) {
        if (kept.remove(seq) == null) {
            return false;
        }
        queue.remove(seq);
        sentBefore.remove(seq);
        return true;
    }

    /** Readings of a frame still unsettled go back to the front of the queue. */
    void requeue(List<Long> seqs) {
        Set<Long> again = new LinkedHashSet<>();
        for (long seq : seqs) {
            if (kept.containsKey(seq) && !queue.contains(seq) && !Long.valueOf(seq).equals(heldBack)) {
                again.add(seq);
            }
        }
        if (!again.isEmpty()) {
            again.addAll(queue);
            queue = again;
        }
    }

    /** A new link: everything unsettled goes again, in seq order (except one held back). */
    void requeueAll() {
        Set<Long> all = new LinkedHashSet<>(kept.keySet());
        if (heldBack != null) {
            all.remove(heldBack);
        }
        queue = all;
    }
}
