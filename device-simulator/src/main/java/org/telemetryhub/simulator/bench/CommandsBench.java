package org.telemetryhub.simulator.bench;

import static org.telemetryhub.simulator.bench.BenchFigures.line;
import static org.telemetryhub.simulator.bench.BenchFigures.ms;
import static org.telemetryhub.simulator.bench.BenchFigures.round;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.link.WsTransport;
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
 * {@code commands}: how many command round trips per second the hub carries, and how long each takes. A round trip
 * runs from the operator's {@code POST /api/devices/{id}/commands} to the device's {@code command_ack}: the command
 * stored, delivered over the device's WebSocket, answered at once, the result stored and acked.
 */
@Command(name = "commands",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Commands benchmark: command round trips/s and their latency over /ws/device.",
            "",
            "Provisions --devices fresh devices (ids cmd-<run>-<n>), connects each with a ticket, and sends each "
                + "device --per-device commands per second, spread evenly. Each device answers every command at once; "
                + "a round trip is timed from the request to the command_ack of its result. Prints a summary and, "
                + "as the last line, the same figures as one JSON object.",
        })
public final class CommandsBench implements Callable<Integer> {

    private static final int SETUP_CONCURRENCY = 8;
    private static final long TICK_MS = 10;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubOptions hubOptions;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000",
            description = "Devices, each on its own WebSocket (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--per-device", paramLabel = "R", defaultValue = "1",
            description = "Commands per device per second (default: ${DEFAULT-VALUE}).")
    double perDevice;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "30",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    double duration;

    // on two cores the JIT compilers of the hub and of this load generator take half a core each for about the first
    // minute of load: the default measures the steady state after it
    @Option(names = "--warmup", paramLabel = "S", defaultValue = "60",
            description = "Seconds of load before the measurement starts, for the JIT compilers to settle "
                + "(default: ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--requests", paramLabel = "C", defaultValue = "256",
            description = "Command requests in flight at most; a due command finding none free is counted as not "
                + "sent (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "bench",
            description = "Namespace of the provisioned devices (default: ${DEFAULT-VALUE}).")
    String namespace;

    private final Histogram latencyMicros = new Histogram(60_000_000L, 3);
    private final AtomicLong measured = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong notSent = new AtomicLong();
    private final AtomicLong notSentInWarmup = new AtomicLong();
    private volatile long measureFrom;
    private volatile long measureTo;

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || devices > 100_000 || !(perDevice > 0) || !(duration > 0) || !(warmup >= 0)
                || requests < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--devices must be 1 … 100000, "
                    + "--per-device and --duration > 0, --warmup >= 0, --requests >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient http = HubOptions.httpClient();
        HubApi api = new HubApi(http, hubOptions.base());
        ExecutorService setup = Executors.newFixedThreadPool(SETUP_CONCURRENCY, DaemonThreads.named("bench-setup"));
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("pacer"));
        List<CommandDevice> fleet = new ArrayList<>();
        try {
            out.printf(Locale.ROOT, "Commands benchmark against %s: %d devices x %s commands/s%n", api.base(),
                    devices, perDevice);
            out.flush();
            hubOptions.signIn(api);
            fleet = connect(api, http, setup);
            err.println("connected " + fleet.size() + " devices");
            run(api, fleet, pacer);
            print(out);
            return 0;
        } finally {
            pacer.shutdownNow();
            fleet.forEach(CommandDevice::close);
            List<String> ids = fleet.stream().map(CommandDevice::id).toList();
            if (!ids.isEmpty()) {
                BenchTeardown.deleteAll(api, ids, setup, err);
            }
            setup.shutdownNow();
        }
    }

    private List<CommandDevice> connect(HubApi api, HttpClient http, ExecutorService setup)
            throws InterruptedException {
        FreshDeviceIds ids = FreshDeviceIds.forRun("cmd");
        URI socket = api.deviceSocket();
        WsTransport transport = new WsTransport(http, socket);
        List<Future<CommandDevice>> pending = new ArrayList<>();
        for (int i = 1; i <= devices; i++) {
            String id = ids.id(i);
            pending.add(setup.submit(() -> {
                String secret = api.provision(id, namespace, 60_000);
                CommandDevice device = new CommandDevice(id, this::roundTrip);
                try {
                    device.connect(transport, api.ticket(id, secret)).get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof HubException refused ? refused
                            : SocketRefusals.describe(id, socket, e.getCause());
                } catch (TimeoutException e) {
                    throw new SimulatorException("connecting device " + id + " to " + socket + " timed out");
                }
                return device;
            }));
        }
        List<CommandDevice> fleet = new ArrayList<>();
        try {
            for (Future<CommandDevice> future : pending) {
                fleet.add(future.get());
            }
        } catch (ExecutionException e) {
            fleet.forEach(CommandDevice::close);
            throw e.getCause() instanceof HubException s ? s
                    : new SimulatorException("setting up the devices failed: " + e.getCause(), e.getCause());
        }
        return fleet;
    }

    /** Sends the commands on an even pace, round robin over the devices, then waits for the last round trips. */
    private void run(HubApi api, List<CommandDevice> fleet, ScheduledExecutorService pacer)
            throws InterruptedException {
        Semaphore inFlight = new Semaphore(requests);
        double perTick = devices * perDevice * TICK_MS / 1000.0;
        long start = System.nanoTime();
        measureFrom = start + (long) (warmup * 1e9);
        measureTo = measureFrom + (long) (duration * 1e9);
        long[] next = {0};
        double[] owed = {0};
        pacer.scheduleAtFixedRate(() -> {
            owed[0] += perTick;
            while (owed[0] >= 1) {
                owed[0] -= 1;
                CommandDevice device = fleet.get((int) (next[0]++ % fleet.size()));
                long sentNanos = System.nanoTime();
                if (!inFlight.tryAcquire()) {
                    (measured(sentNanos) ? notSent : notSentInWarmup).incrementAndGet();
                    continue;
                }
                api.commandAsync(device.id(), "bench", Map.of("n", next[0])).whenComplete((commandId, failure) -> {
                    inFlight.release();
                    if (failure != null) {
                        failed.incrementAndGet();
                    } else {
                        device.sent(commandId, sentNanos);
                    }
                });
            }
        }, 0, TICK_MS, TimeUnit.MILLISECONDS);
        TimeUnit.NANOSECONDS.sleep(measureTo - System.nanoTime());
        pacer.shutdownNow();
        // the last requests' round trips, within a bound
        inFlight.tryAcquire(requests, 10, TimeUnit.SECONDS);
        TimeUnit.SECONDS.sleep(1);
    }

    private void roundTrip(CommandDevice.RoundTrip trip) {
        if (!trip.acked()) {
            refused.incrementAndGet();
            return;
        }
        if (measured(trip.sentNanos())) {
            measured.incrementAndGet();
            synchronized (latencyMicros) {
                latencyMicros.recordValue(Math.min((trip.ackedNanos() - trip.sentNanos()) / 1_000,
                        latencyMicros.getHighestTrackableValue()));
            }
        }
    }

    private boolean measured(long sentNanos) {
        return sentNanos >= measureFrom && sentNanos < measureTo;
    }

    private void print(PrintWriter out) {
        double perSecond = round(measured.get() / duration);
        double offered = devices * perDevice;
        StringBuilder text = new StringBuilder();
        line(text, "offered", String.format(Locale.ROOT, "%,.0f commands/s", offered));
        line(text, "round trips", String.format(Locale.ROOT, "%,.1f /s (%,d in %.0f s)", perSecond, measured.get(),
                duration));
        synchronized (latencyMicros) {
            line(text, "latency", String.format(Locale.ROOT, "p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    ms(latencyMicros, 50), ms(latencyMicros, 99), ms(latencyMicros, 100)));
            line(text, "not sent", notSent.get() + " (no request slot free; " + notSentInWarmup.get()
                    + " more in the warm-up), " + failed.get() + " requests failed, "
                    + refused.get() + " results refused");
            out.print(text);
            out.printf(Locale.ROOT, "{\"offered\":%.1f,\"roundTripsPerS\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,"
                    + "\"maxMs\":%.2f,\"notSent\":%d,\"failed\":%d,\"refused\":%d}%n", offered, perSecond,
                    ms(latencyMicros, 50), ms(latencyMicros, 99), ms(latencyMicros, 100), notSent.get(), failed.get(),
                    refused.get());
        }
        out.flush();
    }
}
