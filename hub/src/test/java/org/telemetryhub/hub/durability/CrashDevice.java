package org.telemetryhub.hub.durability;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.telemetryhub.client.link.TextMessages;
import org.telemetryhub.client.link.WsTransport;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

/**
 * A device that streams small batches over the device WebSocket the way a careful device does: it numbers its readings
 * 1, 2, 3 …, keeps every reading it made, keeps up to {@code window} frames in flight, and counts a reading as acked
 * only when an ack for its frame names a seq at or above it. After a reconnect it resends everything not acked, plus
 * its last few acked readings on purpose, which the hub must ack again and store once.
 *
 * <p>One sender thread ({@link #run}) writes frames; the socket's listener handles the hub's answers. Both work under
 * this object's monitor.
 */
final class CrashDevice implements Runnable {

    /** Acked readings a device resends after each reconnect, to exercise the hub's dedup. */
    static final int ACKED_RESENDS_PER_RECONNECT = 3;

    final Api.Device credentials;
    private final int index;
    private final int batchSize;
    private final int window;
    private final AckMeter meter;

    private final NavigableMap<Long, Reading> made = new TreeMap<>();
    private final NavigableSet<Long> acked = new TreeSet<>();
    private final NavigableSet<Long> queued = new TreeSet<>();
    private final List<String> anomalies = new ArrayList<>();
    private long nextSeq = 1;
    private long resent;
    private boolean generating = true;
    private boolean stopped;
    private Link link;

    CrashDevice(Api.Device credentials, int index, int batchSize, int window, AckMeter meter) {
        this.credentials = credentials;
        this.index = index;
        this.batchSize = batchSize;
        this.window = window;
        this.meter = meter;
    }

    /** One frame as sent on one connection; each seq is in at most one frame per connection. */
    private static final class Frame {
        final List<Reading> readings;
        boolean answered;

        Frame(List<Reading> readings) {
            this.readings = readings;
        }
    }

    /** One WebSocket connection and the frames sent on it that still wait for their ack. */
    private final class Link implements WebSocket.Listener {
        final Map<Long, Frame> bySeq = new HashMap<>();
        final TextMessages texts = new TextMessages();
        WebSocket socket;
        boolean open = true;
        int outstanding;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            return texts.onText(webSocket, data, last, text -> answer(this, text));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            lost(this);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            lost(this);
        }
    }

    /**
     * Opens a connection with a fresh ticket and queues every reading not acked yet (plus the last few acked ones)
     * for sending on it.
     */
    void connect(HttpClient http, URI deviceSocket, String ticket) throws Exception {
        Link next = new Link();
        WebSocket socket = WsTransport.upgrade(http, deviceSocket, ticket, next).get(10, TimeUnit.SECONDS);
        synchronized (this) {
            if (link != null) {
                link.open = false;
                link.socket.abort();
            }
            queued.clear();
            for (Long seq : made.keySet()) {
                if (!acked.contains(seq)) {
                    queued.add(seq);
                }
            }
            acked.descendingSet().stream().limit(ACKED_RESENDS_PER_RECONNECT).forEach(queued::add);
            next.socket = socket;
            link = next;
            notifyAll();
        }
    }

    @Override
    public void run() {
        while (true) {
            Link on;
            List<Reading> frame = new ArrayList<>(batchSize);
            synchronized (this) {
                while (!stopped && !canSend()) {
                    try {
                        wait(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                on = link;
                while (frame.size() < batchSize && !queued.isEmpty()) {
                    frame.add(made.get(queued.pollFirst()));
                    resent++;
                }
                if (frame.isEmpty()) {
                    for (int i = 0; i < batchSize; i++) {
                        Reading reading = make(nextSeq++);
                        made.put(reading.seq(), reading);
                        frame.add(reading);
                    }
                }
                Frame sent = new Frame(frame);
                frame.forEach(r -> on.bySeq.put(r.seq(), sent));
                on.outstanding++;
            }
            try {
                on.socket.sendText(Wire.batchFrame(frame), true).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                lost(on);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private boolean canSend() {
        return link != null && link.open && link.outstanding < window && (!queued.isEmpty() || generating);
    }

    private Reading make(long seq) {
        return new Reading(seq, System.currentTimeMillis(), Map.of(
                "temperature", 15 + (seq % 170) / 10.0,
                "humidity", 30 + index + (seq % 7) / 4.0,
                "n", (double) seq));
    }

    private synchronized void answer(Link on, String text) {
        long now = System.nanoTime();
        JsonNode message;
        try {
            message = Wire.tree(text);
        } catch (IOException e) {
            anomalies.add("unparsable message: " + text);
            return;
        }
        if (!message.path("type").asText().equals("ack")) {
            anomalies.add("unexpected message: " + text);
            return;
        }
        long seq = message.path("seq").asLong();
        Frame frame = on.bySeq.get(seq);
        if (frame == null || frame.answered) {
            anomalies.add("ack for seq " + seq + " that no frame in flight holds: " + text);
            return;
        }
        frame.answered = true;
        on.outstanding--;
        int covered = 0;
        for (Reading reading : frame.readings) {
            if (reading.seq() <= seq) {
                acked.add(reading.seq());
                covered++;
            }
        }
        if (covered < frame.readings.size()) {
            anomalies.add("ack " + seq + " covers " + covered + " of the frame's " + frame.readings.size()
                    + " readings");
        }
        meter.record(now, covered);
        notifyAll();
    }

    private synchronized void lost(Link on) {
        on.open = false;
        notifyAll();
    }

    /** From now on only resends go out; no new readings are made. */
    synchronized void stopMaking() {
        generating = false;
        notifyAll();
    }

    /** Every reading made is acked (and no new ones will be made). */
    synchronized boolean allAcked() {
        return !generating && acked.size() == made.size();
    }

    synchronized int ackedCount() {
        return acked.size();
    }

    synchronized long resent() {
        return resent;
    }

    synchronized NavigableMap<Long, Reading> made() {
        return new TreeMap<>(made);
    }

    synchronized NavigableSet<Long> acked() {
        return new TreeSet<>(acked);
    }

    synchronized List<String> anomalies() {
        return List.copyOf(anomalies);
    }

    synchronized String progress() {
        return credentials.id() + ": made " + made.size() + ", acked " + acked.size() + ", queued " + queued.size()
                + (link == null ? ", never connected"
                        : ", in flight " + link.outstanding + (link.open ? "" : " (closed)"));
    }

    void close() {
        Link last;
        synchronized (this) {
            stopped = true;
            last = link;
            notifyAll();
        }
        if (last != null) {
            last.socket.abort();
        }
    }
}
