package org.telemetryhub.hub.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.hub.mqtt.Topics;

/**
 * One MQTT device publishing readings 1, 2, 3, ... at QoS 1 with a few in flight, noting when each success PUBACK
 * arrived, for the crash drills. Readings carry one fixed ts, so a resend has the same content as the first copy.
 */
public final class MqttStreamer {

    public final Api.Device identity;
    /** Seq to the {@link System#nanoTime} its success PUBACK arrived at. */
    public final Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
    private final MqttDevice device;
    private final long ts;
    private final int inFlight;
    private final long lastSeq;
    private final Semaphore window;
    private volatile long made;
    private volatile boolean running = true;
    private Thread thread;

    /** Publishes seqs 1 to {@code lastSeq}, or until halted, keeping {@code inFlight} publishes in flight. */
    public MqttStreamer(Api.Device identity, MqttDevice device, long ts, int inFlight, long lastSeq) {
        this.identity = identity;
        this.device = device;
        this.ts = ts;
        this.inFlight = inFlight;
        this.lastSeq = lastSeq;
        this.window = new Semaphore(inFlight);
    }

    /** Readings published so far (seqs 1 to this), PUBACKed or not. */
    public long made() {
        return made;
    }

    public void start() {
        thread = new Thread(() -> {
            try {
                while (running && made < lastSeq) {
                    if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    long seq = ++made;
                    device.publishAsync(Topics.telemetry(identity.id()), Readings.one(seq, ts), false)
                            .whenComplete((ack, failure) -> {
                                if (failure == null && ack.stored()) {
                                    ackedAt.put(seq, System.nanoTime());
                                }
                                window.release();
                            });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "streamer-" + identity.id());
        thread.start();
    }

    /** Publishes nothing new from now on. */
    public void halt() {
        running = false;
    }

    /** Halts and waits until every publish in flight has its PUBACK or has failed; closes the connection. */
    public void stop() {
        halt();
        try {
            thread.join(10_000);
            assertTrue(window.tryAcquire(inFlight, 20, TimeUnit.SECONDS), "publishes still in flight");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        device.close();
    }

    /** Publishes again, on a new connection, every reading made that got no PUBACK, each until it is PUBACKed. */
    public void resend(MqttDevice again) {
        try (again) {
            List<CompletableFuture<MqttDevice.PubAck>> pending = new ArrayList<>();
            for (long seq = 1; seq <= made; seq++) {
                if (!ackedAt.containsKey(seq)) {
                    pending.add(again.publishAsync(Topics.telemetry(identity.id()), Readings.one(seq, ts), false));
                }
            }
            for (CompletableFuture<MqttDevice.PubAck> ack : pending) {
                assertTrue(MqttDevice.await(ack).stored(), "a resent reading was not stored: " + ack.join());
            }
        }
    }

    public static long acked(List<MqttStreamer> streamers) {
        return streamers.stream().mapToLong(s -> s.ackedAt.size()).sum();
    }

    /** Success PUBACKs that arrived between these two {@link System#nanoTime} readings. */
    public static int ackedBetween(List<MqttStreamer> streamers, long from, long to) {
        return (int) streamers.stream().flatMap(s -> s.ackedAt.values().stream())
                .filter(at -> at >= from && at <= to).count();
    }
}
