package org.telemetryhub.simulator.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.telemetryhub.simulator.DaemonThreads;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code connections}: how many device sockets one hub holds, and whether it still acks every reading while it holds
 * them. Provisions the devices, opens their sockets at a steady pace, lets each send one reading per interval for
 * the measured window, then (with {@code --hold}) keeps the sockets open and idle while the hub's memory is measured
 * from outside (scripts/bench-connections.sh does that).
 */
@Command(name = "connections",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connections benchmark: many idle-ish device sockets on one hub, each acked.",
            "",
            "Provisions --devices fresh devices (ids bench-<run>-<n>), opens their /ws/device sockets at --ramp per "
                + "second (a fresh ticket each), and from its open on each device sends one reading every "
                + "--interval-ms (±--jitter-ms). Refused connections are counted by cause. After the ramp, --duration "
                + "seconds are measured (ack latency of the readings sent in them), then acks are drained and, with "
                + "--hold, the sockets stay open until a line or the end of standard input. Prints a summary and, as "
                + "the last line, the same figures as one JSON object. The hub's connection limits must allow "
                + "--devices from one address (HUB_LIMITS_CONNECTIONSPERADDRESS, HUB_LIMITS_CONNECTIONSTOTAL); "
                + "scripts/bench-connections.sh raises them.",
        })
public final class ConnectionsBench implements Callable<Integer> {

    /** A longer line on standard input ends the hold too: the reader must not read forever. */
    private static final int RELEASE_LINE_BYTES = 4_096;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubOptions hubOptions;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "15000",
            description = "Devices, one socket each (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--interval-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Each device sends one reading this often (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Option(names = "--jitter-ms", paramLabel = "MS", defaultValue = "1000",
            description = "Each reading is shifted by up to ± this much, at most half the interval "
                + "(default: ${DEFAULT-VALUE}).")
    long jitterMs;

    @Option(names = "--ramp", paramLabel = "R", defaultValue = "500",
            description = "Connections started per second (default: ${DEFAULT-VALUE}).")
    double ramp;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "60",
            description = "Seconds measured after the last connection attempt (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--drain", paramLabel = "S", defaultValue = "15",
            description = "After the window, seconds to wait for the acks still due (default: ${DEFAULT-VALUE}).")
    double drain;

    @Option(names = "--hold", paramLabel = "S", defaultValue = "0",
            description = "After the drain, keep the sockets open (answering pings, sending nothing) for up to S "
                + "seconds; a line or the end of standard input ends the hold early (default: ${DEFAULT-VALUE}).")
    double hold;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "32",
            description = "Provisioning requests, and ticket-plus-upgrade attempts, in flight at once "
                + "(default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--max-failures", paramLabel = "K", defaultValue = "200",
            description = "Stop the ramp after K failed connections in a row (default: ${DEFAULT-VALUE}).")
    int maxFailures;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "bench",
            description = "Namespace of the provisioned devices (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--keep-devices",
            description = "Leave the benchmark devices (and their readings) on the hub; by default they are "
                + "deleted at the end.")
    boolean keepDevices;

    @Option(names = "--quiet", description = "No per-second progress lines on stderr.")
    boolean quiet;

    private volatile boolean sending = true;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        URI base = hubOptions.base();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Cadence cadence = new Cadence(intervalMs, jitterMs);
        HttpClient http = HubOptions.httpClient();
        HubApi api = new HubApi(http, base);
        BenchStats stats = new BenchStats();
        // one thread sends every device's readings: a send only queues a short frame on a non-blocking socket
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-cadence"));
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-progress"));
        BenchSockets sockets = new BenchSockets();
        ConnectionRamp connections = new ConnectionRamp(api, sockets, stats, ramp, concurrency, maxFailures,
                device -> startReadings(device, cadence, timer));
        try {
            out.printf(Locale.ROOT, "Connections benchmark against %s: %,d devices, one reading every %,d ms "
                    + "(±%,d ms) each (%,.0f readings/s offered), ramp %,.0f connections/s%n", base, devices,
                    intervalMs, jitterMs, cadence.offeredPerSecond(devices), ramp);
            out.flush();
            hubOptions.signIn(api);
            Provisioner provisioner = new Provisioner(api, concurrency);
            CpuProbe cpu = new CpuProbe();
            Progress progress = new Progress(err, stats, provisioner, connections, cpu);
            ticker.scheduleAtFixedRate(progress, 1, 1, TimeUnit.SECONDS);

            long provisionStart = System.nanoTime();
            List<Provisioner.Device> fleet = provisioner.provision(FreshDeviceIds.forRun("bench"), devices, namespace,
                    Math.max(1_000, intervalMs));
            double provisionSeconds = seconds(provisionStart);

            progress.phase("ramp");
            long rampStart = System.nanoTime();
            connections.run(fleet);
            double rampSeconds = seconds(rampStart);

            progress.phase("measure");
            long windowStart = System.nanoTime();
            long windowEnd = windowStart + (long) (duration * 1e9);
            stats.openWindow(windowStart, windowEnd);
            cpu.windowStarted();
            sleepUntil(windowEnd);
            sending = false;
            timer.shutdownNow();
            cpu.windowEnded();
            int openAtWindowEnd = openCount(connections);

            progress.phase("drain");
            long drainEnd = System.nanoTime() + (long) (drain * 1e9);
            sleepWhile(() -> stats.inFlightFrames() > 0, drainEnd);

            int held = -1;
            if (hold > 0) {
                progress.phase("hold");
                held = openCount(connections);
                out.printf(Locale.ROOT, "holding %d connections open for up to %.0f s; a line or the end of standard "
                        + "input ends the hold%n", held, hold);
                out.flush();
                awaitRelease(System.in, hold);
            }
            ticker.shutdownNow();

            ConnectionsReport report = new ConnectionsReport(base.toString(), devices, intervalMs, jitterMs, ramp,
                    duration, provisionSeconds, rampSeconds, connections, openAtWindowEnd, held, stats, cpu);
            report.print(out);
            out.flush();
            teardown(connections.opened(), fleet, api, err);
            return 0;
        } catch (RuntimeException | InterruptedException e) {
            connections.opened().forEach(BenchDevice::abort);
            throw e;
        } finally {
            sending = false;
            timer.shutdownNow();
            ticker.shutdownNow();
            sockets.close();
        }
    }

    private void checkOptions() {
        CommandLine cli = spec.commandLine();
        if (devices < 1 || devices > 100_000) {
            throw new CommandLine.ParameterException(cli, "--devices must be 1 … 100000, but was " + devices);
        }
        if (intervalMs < 10 || intervalMs > 3_600_000) {
            throw new CommandLine.ParameterException(cli, "--interval-ms must be 10 … 3600000, but was " + intervalMs);
        }
        if (jitterMs < 0 || 2 * jitterMs > intervalMs) {
            throw new CommandLine.ParameterException(cli, "--jitter-ms must be 0 … half of --interval-ms ("
                    + intervalMs / 2 + "), but was " + jitterMs);
        }
        if (!(ramp > 0) || ramp > 100_000) {
            throw new CommandLine.ParameterException(cli, "--ramp must be > 0 and at most 100000 connections/s, but was "
                    + ramp);
        }
        if (!(duration > 0) || !(drain >= 0) || !(hold >= 0) || Double.isInfinite(duration + drain + hold)) {
            throw new CommandLine.ParameterException(cli, "--duration must be > 0, --drain and --hold >= 0 (seconds)");
        }
        if (concurrency < 1 || concurrency > 1_024) {
            throw new CommandLine.ParameterException(cli, "--concurrency must be 1 … 1024, but was " + concurrency);
        }
        if (maxFailures < 1) {
            throw new CommandLine.ParameterException(cli, "--max-failures must be >= 1, but was " + maxFailures);
        }
    }

    /** Reading k of a device goes out when {@link Cadence} says, until the window ends. */
    private void startReadings(BenchDevice device, Cadence cadence, ScheduledExecutorService timer) {
        long first = cadence.first(System.nanoTime(), ThreadLocalRandom.current().nextDouble());
        schedule(device, cadence, timer, first, 0);
    }

    private void schedule(BenchDevice device, Cadence cadence, ScheduledExecutorService timer, long first, long k) {
        if (!sending) {
            return;
        }
        long due = cadence.due(first, k, ThreadLocalRandom.current().nextDouble());
        try {
            timer.schedule(() -> {
                if (sending && device.send(due)) {
                    schedule(device, cadence, timer, first, k + 1);
                }
            }, due - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // the window ended while this device was being scheduled
        }
    }

    private static int openCount(ConnectionRamp connections) {
        return (int) connections.opened().stream().filter(BenchDevice::isOpen).count();
    }

    /** Waits for a line (or {@value #RELEASE_LINE_BYTES} bytes) or the end of {@code in}, {@code seconds} at most. */
    private static void awaitRelease(InputStream in, double seconds) throws InterruptedException {
        CountDownLatch released = new CountDownLatch(1);
        Thread reader = DaemonThreads.named("bench-hold").newThread(() -> {
            try {
                for (int i = 0; i < RELEASE_LINE_BYTES; i++) {
                    int c = in.read();
                    if (c == -1 || c == '\n') {
                        break;
                    }
                }
            } catch (IOException e) {
                // an unreadable input ends the hold like its end does
            }
            released.countDown();
        });
        reader.start();
        released.await((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    private void teardown(List<BenchDevice> opened, List<Provisioner.Device> fleet, HubApi api, PrintWriter err) {
        BenchTeardown.closeAll(opened);
        if (keepDevices) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(concurrency, 16),
                DaemonThreads.named("bench-delete"));
        try {
            BenchTeardown.deleteAll(api, fleet.stream().map(Provisioner.Device::id).toList(), pool, err);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
        }
    }

    private static void sleepWhile(BooleanSupplier condition, long untilNanos)
            throws InterruptedException {
        while (condition.getAsBoolean() && System.nanoTime() < untilNanos) {
            Thread.sleep(10);
        }
    }

    /** One line a second on stderr: where the run is and what the sockets do. */
    private final class Progress implements Runnable {
        private final PrintWriter err;
        private final BenchStats stats;
        private final Provisioner provisioner;
        private final ConnectionRamp connections;
        private final CpuProbe cpu;
        private final long start = System.nanoTime();
        private volatile String phase = "provision";
        private long lastSent;
        private long lastAcked;

        Progress(PrintWriter err, BenchStats stats, Provisioner provisioner, ConnectionRamp connections,
                 CpuProbe cpu) {
            this.err = err;
            this.cpu = cpu;
            this.stats = stats;
            this.provisioner = provisioner;
            this.connections = connections;
        }

        void phase(String next) {
            phase = next;
        }

        @Override
        public void run() {
            if (phase.equals("measure")) {
                cpu.sampleSystem();
            }
            long sent = stats.sentReadings();
            long acked = stats.ackedReadings();
            String line = phase.equals("provision")
                    ? String.format(Locale.ROOT, "provisioned %,d/%,d", provisioner.provisioned(), devices)
                    : String.format(Locale.ROOT, "open %,6d  failed %,d  closed by hub %,d  sent %,5d r/s  acked %,5d "
                            + "r/s  in flight %,d", connections.openedCount() - stats.closedSockets(),
                            connections.failed(), stats.closedSockets(), sent - lastSent, acked - lastAcked,
                            stats.inFlightFrames());
            lastSent = sent;
            lastAcked = acked;
            if (!quiet) {
                err.printf(Locale.ROOT, "[%-9s %4.0fs] %s%n", phase, seconds(start), line);
                err.flush();
            }
        }
    }
}
