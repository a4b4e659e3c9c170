package org.telemetryhub.simulator.device;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.HubRefusedException;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.client.link.Frame;
import org.telemetryhub.client.link.FrameVerdict;
import org.telemetryhub.client.link.Link;
import org.telemetryhub.client.link.LinkListener;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.protocol.HubMessage;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.faults.FaultTimer;
import org.telemetryhub.simulator.faults.Faults;

/**
 * One simulated device with store-and-forward. It numbers its readings on from the seq its first ticket reports,
 * keeps every reading until the hub acks or rejects it, and resends the rest on the next link, after a refusal's
 * retryAfterMs, or when a link dies. Links come from fresh tickets, with backoff and jitter after failures.
 *
 * <p>It obeys the hub's commands and desired state as {@link Orders} says, over any transport; what the hub says
 * before the link is handed over (a new link's commands and delta) waits for it.
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
    private final Sensor sensor;
    private final boolean slow;
    private final Ledger ledger = new Ledger();
    private final Orders orders;

    private State state = State.NEW;
    private String failure;
    private final Outbox outbox = new Outbox();

    private Link link;
    private int generation;
    private int inFlight;
    private long frameIds;
    private final Map<Long, Long> outstanding = new LinkedHashMap<>();
    private int failures;
    private long holdUntilNanos;
    private long lastFrameNanos;

    /** What the link being opened heard before it was handed over. */
    private final List<HubMessage> heardEarly = new ArrayList<>();
    private boolean generating;
    private boolean draining;
    private FaultTimer faultTimer;

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
        Faults faults = settings.faults();
        this.sensor = new Sensor(new Random(random.nextLong()), faults.clockSkewMs(), settings.ratePerSecond(),
                faults.invalidShare(), settings.spike());
        this.slow = random.nextDouble() < faults.slowShare();
        this.orders = new Orders(sensor, () -> replaceLink(false));
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
        return sensor.firstSeq();
    }

    public synchronized int unackedCount() {
        return outbox.size();
    }

    /** Gets a ticket and opens the first link. */
    public synchronized void connect() {
        if (state == State.NEW) {
            openLink();
        }
    }

    /** Starts making readings at the fleet's start time; each device has its own phase within a reading period. */
    public synchronized void startGenerating(long startNanos) {
        sensor.start(startNanos);
        faultTimer = new FaultTimer(settings.faults(), random, startNanos);
        generating = true;
    }

    /** Stops making readings and sends what is left at once; faults stop too. */
    public synchronized void drain() {
        generating = false;
        draining = true;
        outbox.releaseHeldBack();
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
        if (generating && sensor.numbered()) {
            sensor.due(now).forEach(this::keep);
            runFaults(now);
        }
        if (outbox.holdsBack() && now - lastFrameNanos > TimeUnit.MILLISECONDS.toNanos(settings.lingerMs())) {
            outbox.releaseHeldBack();
        }
        flush(now);
        checkAckTimeout(now);
    }

    /** Keeps a new reading until it is acked or rejected; now and then one goes after the next (out of order). */
    private void keep(DeviceReading reading) {
        boolean holdBack = !draining && !outbox.holdsBack()
                && random.nextDouble() < settings.faults().outOfOrderShare();
        if (holdBack) {
            stats.heldBack();
        }
        outbox.keep(reading, holdBack);
        ledger.made(reading);
        stats.made();
    }

    private void runFaults(long now) {
        Set<FaultTimer.Fault> due = faultTimer.due(now);
        if (due.contains(FaultTimer.Fault.BURST)) {
            sensor.burst(settings.faults().burstSize()).forEach(this::keep);
        }
        if (due.contains(FaultTimer.Fault.DROP)) {
            replaceLink(false);
        }
        if (due.contains(FaultTimer.Fault.CUT)) {
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
        int batch = Math.min(settings.batch(), transport.maxBatch());
        while (inFlight < window && outbox.queued() > 0) {
            if (outbox.queued() < batch && !draining && now - lastFrameNanos < linger) {
                return;
            }
            List<DeviceReading> readings = outbox.take(batch);
            if (readings.isEmpty()) {
                continue;
            }
            Frame frame = Frame.of(readings.stream().map(DeviceReading::seq).toList(),
                    readings.stream().map(DeviceReading::json).toList());
            lastFrameNanos = now;
            send(frame, now, false);
            if (random.nextDouble() < settings.faults().duplicateShare()) {
                send(frame, now, true);
            }
        }
    }

    private void send(Frame frame, long now, boolean duplicate) {
        stats.frameSent(frame.seqs().size(), outbox.sent(frame.seqs()), duplicate);
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
            outbox.requeue(frame.seqs());
        } else if (verdict instanceof FrameVerdict.Refused refused) {
            stats.refused();
            holdUntilNanos = Math.max(holdUntilNanos, now + TimeUnit.MILLISECONDS.toNanos(refused.retryAfterMs()));
            outbox.requeue(frame.seqs());
            executor.schedule(() -> tick(System.nanoTime()), refused.retryAfterMs() + 1, TimeUnit.MILLISECONDS);
        } else {
            // the link cannot deliver any more: stop sending on it at once, before its own notice arrives
            if (gen == generation && link != null) {
                dropLink(((FrameVerdict.Lost) verdict).why());
                reconnectLater();
            }
            outbox.requeue(frame.seqs());
        }
        flush(now);
    }

    private void settleAcked(long seq) {
        if (outbox.settle(seq)) {
            ledger.acked(seq);
            stats.acked();
        }
    }

    private void settleRejected(long seq, String error) {
        if (outbox.settle(seq)) {
            ledger.rejected(seq, error);
            stats.rejected();
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
        heardEarly.clear();
        api.ticketAsync(id, secret)
                .thenComposeAsync(ticket -> {
                    numberFrom(ticket);
                    return transport.open(id, ticket, new LinkListener() {
                        @Override
                        public void down(String why) {
                            executor.execute(() -> linkDown(gen, why));
                        }

                        @Override
                        public void heard(HubMessage message) {
                            executor.execute(() -> SimDevice.this.heard(gen, message));
                        }
                    });
                }, executor)
                .whenCompleteAsync((opened, failure) -> linkOpened(gen, opened, failure), executor);
    }

    private synchronized void numberFrom(Ticket ticket) {
        sensor.numberFrom(ticket.lastSeq());
    }

    private synchronized void linkOpened(int gen, Link opened, Throwable error) {
        if (gen != generation || state == State.STOPPED) {
            if (opened != null) {
                opened.close();
            }
            return;
        }
        if (error != null) {
            Throwable cause = HubException.unwrap(error);
            if (cause instanceof HubRefusedException refused && refused.badCredentials()) {
                state = State.FAILED;
                failure = refused.getMessage();
                return;
            }
            long wait = cause instanceof HubRefusedException refused ? refused.retryAfterMs() : 0;
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
        outbox.requeueAll();
        lastFrameNanos = 0;
        flush(System.nanoTime());
        List<HubMessage> early = List.copyOf(heardEarly);
        heardEarly.clear();
        early.forEach(message -> orders.heard(opened, message));
    }

    // ---- control

    private synchronized void heard(int gen, HubMessage message) {
        if (gen != generation) {
            return;
        }
        if (link == null) {
            heardEarly.add(message);
            return;
        }
        orders.heard(link, message);
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
        return id + " (" + transport.name() + ", " + state + "): made " + sensor.made() + ", unacked " + outbox.size()
                + (failure == null ? "" : ", failed: " + failure);
    }
}
