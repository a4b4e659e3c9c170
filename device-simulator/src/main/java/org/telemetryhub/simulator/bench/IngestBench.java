package org.telemetryhub.simulator.bench;

import static org.telemetryhub.simulator.bench.BenchFigures.line;
import static org.telemetryhub.simulator.bench.BenchFigures.ms;
import static org.telemetryhub.simulator.bench.BenchFigures.round;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.protocol.Wire;
import org.telemetryhub.simulator.DaemonThreads;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: how many readings per second the hub stores durably, and how long a device waits for its ack.
 * Provisions fresh devices, connects them over {@code /ws/device}, sends batch frames either as fast as the acks allow
 * (a window of frames in flight per device) or at a fixed total rate (open loop: frames go out when they are due,
 * whatever the acks do, and latency counts from that moment), and reports throughput and ack latency over the
 * measured window that follows the warm-up.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Ingest benchmark: durable readings/s and ack latency over /ws/device.",
            "",
            "Provisions --devices fresh devices (ids bench-<run>-<n>), connects each with a ticket, sends batch "
                + "frames of --batch readings (3 metrics each) and times each frame from its send to the ack that "
                + "names its highest seq. Prints a summary and, as the last line, the same figures as one JSON "
                + "object. The hub's per-device rate limit must be raised for a benchmark "
                + "(HUB_LIMITS_DEVICEREADINGSPERSECOND, HUB_LIMITS_DEVICEBURST); scripts/bench-ingest.sh does that.",
        })
public final class IngestBench implements java.util.concurrent.Callable<Integer> {

    private static final int SETUP_CONCURRENCY = 8;
    /** In rate mode, frames a device may have waiting for acks before the next due frame is skipped. */
    static final int RATE_MODE_MAX_IN_FLIGHT = 10_000;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubOptions hubOptions;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "50",
            description = "Devices (WebSocket connections) (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "100",
            description = "Readings per frame, at most 500 by the contract (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "20",
            description = "Seconds measured after the warm-up (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "5",
            description = "Seconds of load before the measurement starts (default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "0",
            description = "Total offered readings/s over all devices; 0 = as fast as the acks allow, with "
                + "--window frames in flight per device (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--window", paramLabel = "W", defaultValue = "8",
            description = "With --rate 0: frames in flight (sent, not yet acked) per device "
                + "(default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "bench",
            description = "Namespace of the provisioned devices (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--drain", paramLabel = "S", defaultValue = "15",
            description = "After the measured window, seconds to wait for the acks of frames still in flight "
                + "(default: ${DEFAULT-VALUE}).")
    double drain;

    @Option(names = "--keep-devices",
            description = "Leave the benchmark devices (and their readings) on the hub; by default they are "
                + "deleted at the end.")
    boolean keepDevices;

    @Option(names = "--quiet", description = "No per-second progress lines on stderr.")
    boolean quiet;

    private volatile boolean sending;
    private final ScheduledExecutorService retries =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-retry"));

    @Override
    public Integer call() throws Exception {
        checkOptions();
        URI base = hubOptions.base();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        ExecutorService setup = Executors.newFixedThreadPool(SETUP_CONCURRENCY, DaemonThreads.named("bench-setup"));
        HttpClient http = HubOptions.httpClient();
        HubApi api = new HubApi(http, base);
        BenchStats stats = new BenchStats();
        boolean rateMode = rate > 0;
        List<BenchDevice> fleet = new ArrayList<>();
        BenchSockets sockets = new BenchSockets();
        try {
            out.printf(Locale.ROOT, "Ingest benchmark against %s: %d devices x %d readings/frame, %s%n", base,
                    devices, batch, rateMode ? String.format(Locale.ROOT, "offered %,.0f readings/s", rate)
                            : "as fast as acks allow (window " + window + " frames/device)");
            out.flush();
            hubOptions.signIn(api);
            long setupStarted = System.nanoTime();
            fleet = connectFleet(api, sockets, stats, rateMode, setup, err);
            double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
            progress(err, String.format(Locale.ROOT, "provisioned and connected %d devices in %.1f s",
                    fleet.size(), setupSeconds));

            Run run = run(fleet, stats, rateMode, err);
            Result result = new Result(base.toString(), devices, batch, rateMode, rate, window, warmup, duration,
                    setupSeconds, stats, run);
            shutdown(fleet, api, setup, err);
            result.print(out);
            out.flush();
            return 0;
        } catch (RuntimeException | InterruptedException e) {
            fleet.forEach(BenchDevice::abort);
            throw e;
        } finally {
            setup.shutdownNow();
            retries.shutdownNow();
            sockets.close();
        }
    }

    private void checkOptions() {
        CommandLine cli = spec.commandLine();
        if (devices < 1 || devices > 100_000) {
            throw new CommandLine.ParameterException(cli, "--devices must be 1 … 100000, but was " + devices);
        }
        if (batch < 1 || batch > 10_000) {
            throw new CommandLine.ParameterException(cli, "--batch must be 1 … 10000 (the hub's default limit is "
                    + "500), but was " + batch);
        }
        if (!(duration > 0) || !(warmup >= 0) || !(drain >= 0) || Double.isInfinite(duration + warmup + drain)) {
            throw new CommandLine.ParameterException(cli, "--duration must be > 0, --warmup and --drain >= 0");
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new CommandLine.ParameterException(cli, "--rate must be >= 0 (0 = as fast as acks allow), but was "
                    + rate);
        }
        if (window < 1 || window > 10_000) {
            throw new CommandLine.ParameterException(cli, "--window must be 1 … 10000, but was " + window);
        }
    }

    /** Provisions, tickets and connects every device, several at a time; fails on the first device that fails. */
    private List<BenchDevice> connectFleet(HubApi api, BenchSockets sockets, BenchStats stats, boolean rateMode,
                                           ExecutorService setup, PrintWriter err) throws InterruptedException {
        FreshDeviceIds ids = FreshDeviceIds.forRun("bench");
        URI socketUri = api.deviceSocket();
        int maxInFlight = rateMode ? RATE_MODE_MAX_IN_FLIGHT : window;
        List<Future<BenchDevice>> pending = new ArrayList<>();
        for (int i = 1; i <= devices; i++) {
            String id = ids.id(i);
            pending.add(setup.submit(() -> {
                String deviceSecret = api.provision(id, namespace, 60_000);
                Ticket ticket = api.ticket(id, deviceSecret);
                BenchDevice device = new BenchDevice(id, ticket.lastSeq() + 1, batch, maxInFlight, stats,
                        this::frameDone);
                try {
                    device.connect(sockets, socketUri, ticket.ticket()).get();
                } catch (ExecutionException e) {
                    throw SocketRefusals.describe(id, socketUri, e.getCause());
                }
                return device;
            }));
        }
        List<BenchDevice> fleet = new ArrayList<>(devices);
        try {
            for (Future<BenchDevice> future : pending) {
                fleet.add(future.get());
                if (fleet.size() % 100 == 0 && fleet.size() < devices) {
                    progress(err, "connected " + fleet.size() + "/" + devices + " devices");
                }
            }
        } catch (ExecutionException e) {
            pending.forEach(f -> f.cancel(true));
            fleet.forEach(BenchDevice::abort);
            Throwable cause = e.getCause();
            if (cause instanceof HubException b) {
                throw b;
            }
            throw new SimulatorException("setting up the devices failed: " + cause, cause);
        }
        return fleet;
    }

    /** With --rate 0 every finished frame makes room for the next one (after a rate-limit refusal, later). */
    private void frameDone(BenchDevice device, long delayMs) {
        if (!sending || rate > 0) {
            return;
        }
        if (delayMs <= 0) {
            device.send(System.nanoTime());
        } else {
            retries.schedule(() -> {
                if (sending) {
                    device.send(System.nanoTime());
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** What happened in the timed part of the run, beside the counters in {@link BenchStats}. */
    record Run(double benchCpuCores, double systemCpuLoad, long unackedFrames, double drainSeconds,
               long windowStartMs, long windowEndMs) {}

    private Run run(List<BenchDevice> fleet, BenchStats stats, boolean rateMode, PrintWriter err)
            throws InterruptedException {
        long start = System.nanoTime();
        long windowStart = start + (long) (warmup * 1e9);
        long windowEnd = windowStart + (long) (duration * 1e9);
        stats.openWindow(windowStart, windowEnd);
        CpuProbe cpu = new CpuProbe();
        ScheduledExecutorService ticker =
                Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bench-progress"));
        Thread pacer = null;
        sending = true;
        try {
            ticker.scheduleAtFixedRate(new Progress(stats, err, start, windowStart, windowEnd, cpu), 1, 1,
                    TimeUnit.SECONDS);
            if (rateMode) {
                pacer = new Thread(() -> pace(fleet, start, windowEnd), "bench-pacer");
                pacer.setDaemon(true);
                pacer.start();
            } else {
                for (int w = 0; w < window; w++) {
                    for (BenchDevice device : fleet) {
                        device.send(System.nanoTime());
                    }
                }
            }
            sleepUntil(windowStart);
            long windowStartMs = System.currentTimeMillis();
            cpu.windowStarted();
            sleepUntil(windowEnd);
            sending = false;
            long windowEndMs = System.currentTimeMillis();
            cpu.windowEnded();
            if (pacer != null) {
                pacer.join(5_000);
            }
            long drainStart = System.nanoTime();
            long drainEnd = drainStart + (long) (drain * 1e9);
            while (stats.inFlightFrames() > 0 && System.nanoTime() < drainEnd) {
                Thread.sleep(10);
            }
            double drained = (System.nanoTime() - drainStart) / 1e9;
            return new Run(cpu.benchCores(), cpu.systemLoad(), Math.max(0, stats.inFlightFrames()), drained,
                    windowStartMs, windowEndMs);
        } finally {
            sending = false;
            ticker.shutdownNow();
        }
    }

    /** Open loop: frame k is due at start + k·batch/rate and goes to device k mod N, so sends spread evenly. */
    private void pace(List<BenchDevice> fleet, long start, long end) {
        double intervalNanos = batch * 1e9 / rate;
        int n = fleet.size();
        for (long k = 0; sending; k++) {
            long due = start + (long) (k * intervalNanos);
            if (due >= end) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                if (!sending) {
                    return;
                }
            }
            fleet.get((int) (k % n)).send(due);
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(wait, 100_000_000L));
        }
    }

    private void shutdown(List<BenchDevice> fleet, HubApi api, ExecutorService setup, PrintWriter err) {
        BenchTeardown.closeAll(fleet);
        if (!keepDevices) {
            BenchTeardown.deleteAll(api, fleet.stream().map(BenchDevice::id).toList(), setup, err);
        }
    }

    private void progress(PrintWriter err, String line) {
        if (!quiet) {
            err.println(line);
            err.flush();
        }
    }

    private final class Progress implements Runnable {
        private final BenchStats stats;
        private final PrintWriter err;
        private final long start;
        private final long windowStart;
        private final long windowEnd;
        private final CpuProbe cpu;
        private long lastSent;
        private long lastAcked;

        Progress(BenchStats stats, PrintWriter err, long start, long windowStart, long windowEnd, CpuProbe cpu) {
            this.stats = stats;
            this.err = err;
            this.start = start;
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            this.cpu = cpu;
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            if (now >= windowStart && now < windowEnd) {
                cpu.sampleSystem();
            }
            long sent = stats.sentReadings();
            long acked = stats.ackedReadings();
            String phase = now < windowStart ? "warm-up" : now < windowEnd ? "measure" : "drain";
            progress(err, String.format(Locale.ROOT,
                    "[%-7s %4.0fs] sent %,9d r/s  acked %,9d r/s  in flight %,6d frames  errors %d",
                    phase, (now - start) / 1e9, sent - lastSent, acked - lastAcked, stats.inFlightFrames(),
                    stats.errors().values().stream().mapToLong(Long::longValue).sum()));
            lastSent = sent;
            lastAcked = acked;
        }
    }

    /** The figures of one run, printed for people and as one JSON line. */
    static final class Result {
        final Map<String, Object> json = new LinkedHashMap<>();
        private final String human;

        Result(String hub, int devices, int batch, boolean rateMode, double rate, int window, double warmup,
               double duration, double setupSeconds, BenchStats stats, Run run) {
            Histogram h = stats.latencyMicros();
            double sentRate = stats.windowSentReadings() / duration;
            double durableRate = stats.windowAckedReadings() / duration;
            Map<String, Long> rejected = stats.rejected();
            Map<String, Long> errors = stats.errors();
            long rejectedTotal = rejected.values().stream().mapToLong(Long::longValue).sum();
            long errorsTotal = errors.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Object> latency = new LinkedHashMap<>();
            latency.put("frames", h.getTotalCount());
            latency.put("p50", ms(h, 50));
            latency.put("p90", ms(h, 90));
            latency.put("p99", ms(h, 99));
            latency.put("p999", ms(h, 99.9));
            latency.put("max", round(h.getMaxValue() / 1000.0));
            latency.put("mean", round(h.getTotalCount() == 0 ? 0 : h.getMean() / 1000.0));

            json.put("bench", "ingest");
            json.put("hub", hub);
            json.put("devices", devices);
            json.put("batch", batch);
            json.put("mode", rateMode ? "rate" : "max");
            json.put("offeredRate", rateMode ? (Object) round(rate) : (Object) 0);
            json.put("window", rateMode ? null : window);
            json.put("warmupS", warmup);
            json.put("durationS", duration);
            json.put("sentReadingsPerS", round(sentRate));
            json.put("durableReadingsPerS", round(durableRate));
            json.put("ackedReadings", stats.windowAckedReadings());
            json.put("ackedFrames", stats.windowAckedFrames());
            json.put("ackLatencyMs", latency);
            json.put("rejectedTotal", rejectedTotal);
            json.put("rejected", rejected);
            json.put("errorsTotal", errorsTotal);
            json.put("errors", errors);
            json.put("closedSockets", stats.closes());
            json.put("unackedFrames", run.unackedFrames());
            json.put("skippedFrames", stats.skippedFrames());
            json.put("unexpectedAcks", stats.unexpectedAcks());
            json.put("benchCpuCores", Double.isNaN(run.benchCpuCores()) ? null : round(run.benchCpuCores()));
            json.put("systemCpuLoad", Double.isNaN(run.systemCpuLoad()) ? null : round(run.systemCpuLoad()));
            json.put("setupS", round(setupSeconds));
            json.put("windowStartMs", run.windowStartMs());
            json.put("windowEndMs", run.windowEndMs());

            StringBuilder text = new StringBuilder();
            line(text, "devices", String.valueOf(devices));
            line(text, "batch", batch + " readings/frame");
            line(text, "offered rate", rateMode
                    ? String.format(Locale.ROOT, "%,.0f readings/s (sent %,.0f/s%s)", rate, sentRate,
                            stats.skippedFrames() > 0 ? ", " + stats.skippedFrames() + " frames skipped" : "")
                    : String.format(Locale.ROOT, "max, window %d frames/device (sent %,.0f readings/s)", window,
                            sentRate));
            line(text, "measured", String.format(Locale.ROOT, "%.1f s after %.1f s warm-up", duration, warmup));
            line(text, "durable readings/s", String.format(Locale.ROOT, "%,.0f  (%,d readings acked in the window)",
                    durableRate, stats.windowAckedReadings()));
            line(text, "ack latency ms", String.format(Locale.ROOT, "p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  "
                    + "(%,d frames sent in the window)", ms(h, 50), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0,
                    h.getTotalCount()));
            line(text, "rejected", rejectedTotal + (rejected.isEmpty() ? "" : " " + rejected));
            line(text, "errors", errorsTotal + (errors.isEmpty() ? "" : " " + errors));
            if (!stats.closes().isEmpty()) {
                line(text, "closed sockets", String.valueOf(stats.closes()));
            }
            line(text, "unacked at end", run.unackedFrames() + " frames (after " + String.format(Locale.ROOT,
                    "%.1f", run.drainSeconds()) + " s drain)");
            line(text, "load generator", String.format(Locale.ROOT, "%.2f cores; machine CPU load %.0f%%",
                    run.benchCpuCores(), run.systemCpuLoad() * 100));
            if (errors.containsKey("rate_limited")) {
                text.append("note: the hub rate-limited frames (frames already in flight count as early resends, "
                        + "so windowed devices get closed); raise limits.deviceReadingsPerSecond and "
                        + "limits.deviceBurst (HUB_LIMITS_DEVICEREADINGSPERSECOND, HUB_LIMITS_DEVICEBURST) for "
                        + "a benchmark\n");
            }
            human = text.toString();
        }

        void print(PrintWriter out) {
            out.print(human);
            out.println(Wire.encode(json));
        }
    }
}
