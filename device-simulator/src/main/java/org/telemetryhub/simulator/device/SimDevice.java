package org.telemetryhub.simulator.device;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.faults.Faults;
import org.telemetryhub.simulator.faults.InvalidReading;
import org.telemetryhub.simulator.profile.SensorProfile;
import org.telemetryhub.simulator.transport.Frame;
import org.telemetryhub.simulator.transport.FrameVerdict;
import org.telemetryhub.simulator.transport.Link;
import org.telemetryhub.simulator.transport.Transport;

/**
 * One simulated device with store-and-forward. It numbers its readings on from the seq its first ticket reports,
 * keeps every reading until the hub acks or rejects it, and resends the rest on the next link, after a refusal's
 * retryAfterMs, or when a link dies. Links come from fresh tickets, with backoff and jitter after failures.
 *
 * <p>All state is guarded by this object's monitor. Transport callbacks arrive on the fleet's executor, never on a
 * transport thread, so a device never waits on a link's lock while a link waits on it.
 */
public final class SimDevice {

    /** Where the device is in its life. */
    public enum State { NEW, CONNECTING, OPEN, BACKING_OFF, FAILED, STOPPED }

    private final String id;
    private final String secret;
    private final Transport transport;
    private final DeviceSettings settings;
    private final HubApi api;
    private final ScheduledExecutorService executor;
    private final TransportStats stats;
    private final Random random;
    private final SensorProfile profile;
    private final long clockOffsetMs;
    private final boolean slow;
    private final Ledger ledger = new Ledger();

    private State state = State.NEW;
    private String failure;
    private long firstSeq;
    private long nextSeq;
    private long lastTs;
    private long made;
    private final TreeMap<Long, DeviceReading> unacked = new TreeMap<>();
    private Set<Long> queue = new LinkedHashSet<>();
    private final Set<Long> sentBefore = new HashSet<>();
    private Long heldBack;

    private Link link;
    private int generation;
    private int inFlight;
    private long frameIds;
    private final Map<Long, Long> outstanding = new LinkedHashMap<>();
    private int failures;
    private long holdUntilNanos;
    private long lastFrameNanos;

    private boolean generating;
    private boolean draining;
    private long startNanos;
    private double phaseReadings;
    private long nextDropNanos;
    private long nextCutNanos;
    private long nextBurstNanos;

    public SimDevice(String id, String secret, Transport transport, DeviceSettings settings, HubApi api,
                     ScheduledExecutorService executor, TransportStats stats, long seed) {
        this.id = id;
        this.secret = secret;
        this.transport = transport;
        this.settings = settings;
        this.api = api;
        this.executor = executor;
        this.stats = stats;
        this.random = new Random(seed);
        this.profile = SensorProfile.draw(random);
        Faults faults = settings.faults();
        this.clockOffsetMs = faults.clockSkewMs() == 0 ? 0
                : (long) ((random.nextDouble() * 2 - 1) * faults.clockSkewMs());
        this.slow = random.nextDouble() < faults.slowShare();
        stats.deviceAdded();
    }

    public String id() {
        return id;
    }

    public String transport() {
        return transport.name();
    }

    public Ledger ledger() {
        return ledger;
    }

    public synchronized State state() {
        return state;
    }

    /** Why the device gave up, when it did. */
    public synchronized String failure() {
        return failure;
    }

    /** The first seq of this run: one above what the hub had stored when the first ticket came. */
    public synchronized long firstSeq() {
        return firstSeq;
    }

    public synchronized int unackedCount() {
        return unacked.size();
    }

    /** Gets a ticket and opens the first link. */
    public synchronized void connect() {
        if (state == State.NEW) {
            openLink();
        }
    }

    /** Starts making readings at the fleet's start time; each device has its own phase within a reading period. */
    public synchronized void startGenerating(long startNanos) {
        this.startNanos = startNanos;
        this.phaseReadings = -random.nextDouble();
        this.generating = true;
        Faults faults = settings.faults();
        nextDropNanos = startNanos + firstPeriod(faults.dropEverySeconds());
        nextCutNanos = startNanos + firstPeriod(faults.cutEverySeconds());
        nextBurstNanos = startNanos + firstPeriod(faults.burstEverySeconds());
    }

    /** A random first occurrence within the period, so a fleet's faults spread out; MAX_VALUE for never. */
    private long firstPeriod(double seconds) {
        return seconds <= 0 ? Long.MAX_VALUE / 2 : (long) (random.nextDouble() * seconds * 1e9) + 1;
    }

    /** Stops making readings and sends what is left at once; faults stop too. */
    public synchronized void drain() {
        generating = false;
        draining = true;
        releaseHeldBack();
        flush(System.nanoTime());
    }

    /** Closes the link and stops for good. */
    public synchronized void stop() {
        generating = false;
        state = State.STOPPED;
        Link l = link;
        if (l != null) {
            link = null;
            generation++;
            stats.closed();
            l.close();
        }
    }

    /** Called by the fleet's pacer: make what is due, run due faults, send, and check for a dead link. */
    public synchronized void tick(long now) {
        if (state == State.STOPPED || state == State.FAILED) {
            return;
        }
        if (generating && nextSeq > 0) {
            double due = (now - startNanos) / 1e9 * settings.ratePerSecond() + phaseReadings;
            long target = (long) Math.floor(due) + 1;
            while (made < target) {
                make();
            }
            runFaults(now);
        }
        if (heldBack != null && now - lastFrameNanos > TimeUnit.MILLISECONDS.toNanos(settings.lingerMs())) {
            releaseHeldBack();
        }
        flush(now);
        checkAckTimeout(now);
    }

    private void make() {
        long deviceTime = Math.max(System.currentTimeMillis() + clockOffsetMs, lastTs + 1);
        lastTs = deviceTime;
        long seq = nextSeq++;
        Map<String, Double> metrics = profile.metrics(deviceTime, made, random);
        made++;
        DeviceReading reading;
        if (random.nextDouble() < settings.faults().invalidShare()) {
            InvalidReading kind = InvalidReading.draw(random);
            reading = DeviceReading.of(seq, kind.ts(deviceTime), kind.metrics(metrics), kind.expectedError());
        } else {
            reading = DeviceReading.of(seq, deviceTime, metrics, null);
        }
        unacked.put(seq, reading);
        ledger.made(reading);
        stats.made();
        if (heldBack != null) {
            queue.add(seq);
            releaseHeldBack();
        } else if (!draining && random.nextDouble() < settings.faults().outOfOrderShare()) {
            heldBack = seq;
            stats.heldBack();
        } else {
            queue.add(seq);
        }
    }

    private void releaseHeldBack() {
        if (heldBack != null) {
            queue.add(heldBack);
            heldBack = null;
        }
    }

    private void runFaults(long now) {
        Faults faults = settings.faults();
        if (now >= nextBurstNanos) {
            nextBurstNanos += (long) (faults.burstEverySeconds() * 1e9);
            for (int i = 0; i < faults.burstSize(); i++) {
                make();
            }
            phaseReadings -= faults.burstSize();
        }
        if (now >= nextDropNanos) {
            nextDropNanos += (long) (faults.dropEverySeconds() * 1e9);
            replaceLink(false);
        }
        if (now >= nextCutNanos) {
            nextCutNanos += (long) (faults.cutEverySeconds() * 1e9);
            replaceLink(true);
        }
    }

    /** A fault: end the open link (closed, or cut without a close) and open a new one at once. */
    private void replaceLink(boolean cut) {
        Link l = link;
        if (l == null) {
            return;
        }
        dropLink(cut ? "cut on purpose" : "dropped on purpose");
        if (cut) {
            l.cut();
        } else {
            l.close();
        }
        openLink();
    }

    private void flush(long now) {
        if (link == null || now < holdUntilNanos) {
            return;
        }
        int window = slow ? 1 : settings.window();
        long linger = TimeUnit.MILLISECONDS.toNanos(settings.lingerMs());
        while (inFlight < window && !queue.isEmpty()) {
            if (queue.size() < settings.batch() && !draining && now - lastFrameNanos < linger) {
                return;
            }
            List<Long> seqs = new ArrayList<>(Math.min(queue.size(), settings.batch()));
            List<String> json = new ArrayList<>(seqs.size());
            for (Iterator<Long> it = queue.iterator(); it.hasNext() && seqs.size() < settings.batch(); ) {
                long seq = it.next();
                it.remove();
                DeviceReading reading = unacked.get(seq);
                if (reading != null) {
                    seqs.add(seq);
                    json.add(reading.json());
                }
            }
            if (seqs.isEmpty()) {
                continue;
            }
            Frame frame = Frame.of(seqs, json);
            lastFrameNanos = now;
            send(frame, now, false);
            if (random.nextDouble() < settings.faults().duplicateShare()) {
                send(frame, now, true);
            }
        }
    }

    private void send(Frame frame, long now, boolean duplicate) {
        int firstSends = 0;
        for (long seq : frame.seqs()) {
            if (sentBefore.add(seq)) {
                firstSends++;
            }
        }
        stats.frameSent(frame.seqs().size(), firstSends, duplicate);
        inFlight++;
        long frameId = ++frameIds;
        outstanding.put(frameId, now);
        int gen = generation;
        Link l = link;
        CompletableFuture<FrameVerdict> verdict = slow
                ? CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(
                        settings.faults().slowDelayMs(), TimeUnit.MILLISECONDS, executor))
                        .thenCompose(x -> l.send(frame))
                : l.send(frame);
        verdict.whenCompleteAsync((v, failure) -> answered(gen, frameId, frame, now,
                failure == null ? v : new FrameVerdict.Lost(String.valueOf(failure))), executor);
    }

    private synchronized void answered(int gen, long frameId, Frame frame, long sentNanos, FrameVerdict verdict) {
        long now = System.nanoTime();
        if (gen == generation && outstanding.remove(frameId) != null) {
            inFlight--;
        }
        if (verdict instanceof FrameVerdict.Answered answered) {
            stats.answered(now - sentNanos);
            answered.acked().forEach(this::settleAcked);
            answered.rejected().forEach(r -> settleRejected(r.seq(), r.error()));
            requeue(frame.seqs());
        } else if (verdict instanceof FrameVerdict.Refused refused) {
            stats.refused();
            holdUntilNanos = Math.max(holdUntilNanos, now + TimeUnit.MILLISECONDS.toNanos(refused.retryAfterMs()));
            requeue(frame.seqs());
            executor.schedule(() -> tick(System.nanoTime()), refused.retryAfterMs() + 1, TimeUnit.MILLISECONDS);
        } else {
            // the link cannot deliver any more: stop sending on it at once, before its own notice arrives
            if (gen == generation && link != null) {
                dropLink(((FrameVerdict.Lost) verdict).why());
                reconnectLater();
            }
            requeue(frame.seqs());
        }
        flush(now);
    }

    private void settleAcked(long seq) {
        if (unacked.remove(seq) != null) {
            queue.remove(seq);
            sentBefore.remove(seq);
            ledger.acked(seq);
            stats.acked();
        }
    }

    private void settleRejected(long seq, String error) {
        if (unacked.remove(seq) != null) {
            queue.remove(seq);
            sentBefore.remove(seq);
            ledger.rejected(seq, error);
            stats.rejected();
        }
    }

    /** Readings of a frame that are still neither acked nor rejected go back to the front of the queue. */
    private void requeue(List<Long> seqs) {
        Set<Long> again = new LinkedHashSet<>();
        for (long seq : seqs) {
            if (unacked.containsKey(seq) && !queue.contains(seq)) {
                again.add(seq);
            }
        }
        if (!again.isEmpty()) {
            again.addAll(queue);
            queue = again;
        }
    }

    private void checkAckTimeout(long now) {
        if (link == null || outstanding.isEmpty()) {
            return;
        }
        long oldest = outstanding.values().iterator().next();
        if (now - oldest > TimeUnit.MILLISECONDS.toNanos(settings.ackTimeoutMs())) {
            Link l = link;
            dropLink("no answer within " + settings.ackTimeoutMs() + " ms");
            l.cut();
            reconnectLater();
        }
    }

    // ---- links

    private void openLink() {
        state = State.CONNECTING;
        int gen = ++generation;
        api.ticketAsync(id, secret)
                .thenComposeAsync(ticket -> {
                    numberFrom(ticket);
                    return transport.open(id, ticket, why -> executor.execute(() -> linkDown(gen, why)));
                }, executor)
                .whenCompleteAsync((opened, failure) -> linkOpened(gen, opened, failure), executor);
    }

    private synchronized void numberFrom(HubApi.Ticket ticket) {
        if (nextSeq == 0) {
            firstSeq = ticket.lastSeq() + 1;
            nextSeq = firstSeq;
        }
    }

    private synchronized void linkOpened(int gen, Link opened, Throwable error) {
        if (gen != generation || state == State.STOPPED) {
            if (opened != null) {
                opened.close();
            }
            return;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof HubApi.Refused refused && refused.status() == 401
                    && "bad_credentials".equals(refused.error())) {
                state = State.FAILED;
                failure = refused.getMessage();
                return;
            }
            long wait = cause instanceof HubApi.Refused refused ? refused.retryAfterMs() : 0;
            failures++;
            state = State.BACKING_OFF;
            executor.schedule(this::retry, Math.max(wait, settings.backoff().delayMs(failures - 1, random)),
                    TimeUnit.MILLISECONDS);
            return;
        }
        link = opened;
        state = State.OPEN;
        failures = 0;
        inFlight = 0;
        stats.connected();
        // everything not acked goes again on the new link, in seq order, then what waits already
        Set<Long> all = new LinkedHashSet<>(unacked.keySet());
        if (heldBack != null) {
            all.remove(heldBack);
        }
        queue = all;
        lastFrameNanos = 0;
        flush(System.nanoTime());
    }

    private synchronized void retry() {
        if (state == State.BACKING_OFF) {
            openLink();
        }
    }

    private synchronized void linkDown(int gen, String why) {
        if (gen != generation || link == null) {
            return;
        }
        dropLink(why);
        reconnectLater();
    }

    /** Forgets the current link: its frames' verdicts may still come, but no longer count against the window. */
    private void dropLink(String why) {
        if (link != null) {
            stats.disconnected(why);
        }
        link = null;
        generation++;
        inFlight = 0;
        outstanding.clear();
    }

    private void reconnectLater() {
        failures++;
        state = State.BACKING_OFF;
        executor.schedule(this::retry, settings.backoff().delayMs(failures - 1, random), TimeUnit.MILLISECONDS);
    }

    /** A short view for the status line and failure messages. */
    public synchronized String progress() {
        return id + " (" + transport.name() + ", " + state + "): made " + made + ", unacked " + unacked.size()
                + (failure == null ? "" : ", failed: " + failure);
    }
}
