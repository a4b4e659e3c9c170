package org.telemetryhub.simulator.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.telemetryhub.simulator.client.HubApi;

/**
 * Opens one socket per device at a steady pace (connection i starts at i / rate seconds), each with a fresh ticket
 * fetched just before its upgrade (tickets live a minute at most, so a long ramp cannot fetch them all up front).
 * Refusals are counted by cause rather than ending the run, because finding where the hub starts refusing is the
 * point; only a long unbroken run of failures stops the ramp, as then the hub refuses everything or is gone.
 */
final class ConnectionRamp {

    /** How long the last attempts may take once every attempt started (a ticket and an upgrade, each timed out). */
    private static final long LAST_ATTEMPTS_SECONDS = 60;
    /** Frames a device may have waiting for their acks before it skips its next reading. */
    private static final int MAX_IN_FLIGHT = 100;

    private final HubApi api;
    private final BenchSockets sockets;
    private final BenchStats stats;
    private final double perSecond;
    private final int concurrency;
    private final int maxFailuresInRow;
    private final Consumer<BenchDevice> onOpen;
    private final List<BenchDevice> opened = new ArrayList<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger failedInRow = new AtomicInteger();
    private volatile String stoppedBecause;

    /**
     * @param onOpen called once per device whose socket opened, on a client thread: starts its readings
     */
    ConnectionRamp(HubApi api, BenchSockets sockets, BenchStats stats, double perSecond, int concurrency,
                   int maxFailuresInRow, Consumer<BenchDevice> onOpen) {
        this.api = api;
        this.sockets = sockets;
        this.stats = stats;
        this.perSecond = perSecond;
        this.concurrency = concurrency;
        this.maxFailuresInRow = maxFailuresInRow;
        this.onOpen = onOpen;
    }

    /** Connects the devices in order; returns when every attempt has ended or the ramp stopped. */
    void run(List<Provisioner.Device> devices) throws InterruptedException {
        URI socketUri = api.deviceSocket();
        Semaphore window = new Semaphore(concurrency);
        long start = System.nanoTime();
        for (int i = 0; i < devices.size(); i++) {
            sleepUntil(start + (long) (i * 1e9 / perSecond));
            if (failedInRow.get() >= maxFailuresInRow) {
                stoppedBecause = "the ramp stopped after " + maxFailuresInRow + " failed connections in a row, "
                        + i + " of " + devices.size() + " attempted";
                break;
            }
            window.acquire();
            Provisioner.Device device = devices.get(i);
            api.ticketAsync(device.id(), device.secret())
                    .thenCompose(ticket -> {
                        BenchDevice socket = new BenchDevice(device.id(), ticket.lastSeq() + 1, 1, MAX_IN_FLIGHT,
                                stats, (d, delayMs) -> { });
                        return socket.connect(sockets, socketUri, ticket.ticket());
                    })
                    .whenComplete((socket, failure) -> {
                        if (failure != null) {
                            failures.computeIfAbsent(SocketRefusals.code(failure), c -> new LongAdder()).increment();
                            failed.incrementAndGet();
                            failedInRow.incrementAndGet();
                        } else {
                            failedInRow.set(0);
                            synchronized (opened) {
                                opened.add(socket);
                            }
                            onOpen.accept(socket);
                        }
                        window.release();
                    });
        }
        if (!window.tryAcquire(concurrency, LAST_ATTEMPTS_SECONDS, TimeUnit.SECONDS)) {
            stoppedBecause = (concurrency - window.availablePermits()) + " connection attempts were still unanswered "
                    + LAST_ATTEMPTS_SECONDS + " s after the last one started";
        }
    }

    /** The devices whose sockets opened (some may have been closed since). */
    List<BenchDevice> opened() {
        synchronized (opened) {
            return List.copyOf(opened);
        }
    }

    int openedCount() {
        synchronized (opened) {
            return opened.size();
        }
    }

    int failed() {
        return failed.get();
    }

    /** Failed connections by cause, such as {@code upgrade: HTTP 503 too_many_connections}. */
    Map<String, Long> failures() {
        Map<String, Long> copy = new TreeMap<>();
        failures.forEach((code, n) -> copy.put(code, n.sum()));
        return copy;
    }

    /** Why the ramp ended before every device had its attempt, or null. */
    String stoppedBecause() {
        return stoppedBecause;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
