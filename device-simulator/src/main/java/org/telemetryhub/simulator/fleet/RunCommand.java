package org.telemetryhub.simulator.fleet;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.client.Backoff;
import org.telemetryhub.client.HubException;
import org.telemetryhub.client.link.Transport;
import org.telemetryhub.protocol.Ids;
import org.telemetryhub.protocol.Wire;
import org.telemetryhub.simulator.DaemonThreads;
import org.telemetryhub.simulator.SimulatorException;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;
import org.telemetryhub.simulator.device.DeviceSettings;
import org.telemetryhub.simulator.faults.Faults;
import org.telemetryhub.simulator.transport.Transports;
import org.telemetryhub.simulator.verify.Checker;
import org.telemetryhub.simulator.verify.Observers;
import org.telemetryhub.simulator.verify.VerifyReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: a fleet of simulated devices with store-and-forward, faults on request and an end-to-end check. The
 * pipeline reads top to bottom: devices (provisioned or from a file), observers, connect, run, drain, check, report.
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs N simulated devices against a hub over WebSocket, HTTP, MQTT or all three (mixed).",
            "",
            "Provisions fresh devices (ids sim-<run>-<n>) through the operator API, or takes them from "
                + "--credentials. Each device gets a ticket, numbers its readings on from the ticket's lastSeq, and "
                + "sends temperature, humidity and battery readings. It keeps every reading until the hub acks or "
                + "rejects it, resends after a reconnect or a refusal, and reconnects with a fresh ticket and "
                + "backoff. Faults are off unless asked for.",
            "",
            "With --verify the run ends with a drain of up to 10 s (readings still unacked fail the run) and a "
                + "check of every device's stored readings against what it sent, plus a dashboard and an SSE "
                + "observer per device (up to --observe devices). The exit code is 0 when nothing was lost or "
                + "duplicated and every invalid reading was rejected, 3 when the check failed, 1 when the run could "
                + "not complete.",
            "",
        })
public final class RunCommand implements Callable<Integer> {

    /** Exit code of a run whose check found loss, duplicates, unacked or misjudged readings. */
    public static final int EXIT_VERIFY_FAILED = 3;
    private static final long DRAIN_MS = 10_000;
    private static final int SETUP_CONCURRENCY = 8;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubOptions hubOptions;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "10",
            description = "Devices to provision and run (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "1",
            description = "Readings per second per device (default: ${DEFAULT-VALUE}; the hub allows 100 by "
                + "default).")
    double rate;

    @Option(names = "--transport", paramLabel = "T", defaultValue = "ws",
            description = "ws, http, mqtt or mixed (devices take turns: ws, http, mqtt) (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--mqtt", paramLabel = "HOST:PORT",
            description = "The hub's MQTT listener (default: the host of --hub, port 1883; TLS when --hub is https).")
    String mqtt;

    @Option(names = "--namespace", paramLabel = "NS", defaultValue = "sim",
            description = "Namespace of provisioned devices (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "60",
            description = "Seconds of readings; 0 = until the process is stopped (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--batch", paramLabel = "B", defaultValue = "10",
            description = "Readings per frame at most; a partial frame leaves after 1 s; MQTT devices publish "
                + "one reading per message (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--window", paramLabel = "W", defaultValue = "8",
            description = "Frames a device keeps in flight at most (default: ${DEFAULT-VALUE}).")
    int window;

    @Option(names = "--credentials", paramLabel = "FILE",
            description = "Run the devices listed in FILE (deviceId,secret per line) instead of provisioning.")
    Path credentialsFile;

    @Option(names = "--save-credentials", paramLabel = "FILE",
            description = "Write the provisioned devices' credentials to FILE (mode 0600) for a later --credentials.")
    Path saveCredentials;

    @Option(names = "--verify", description = "Drain, then check the store and the observers; see above.")
    boolean verify;

    @Option(names = "--observe", paramLabel = "K", defaultValue = "50",
            description = "With --verify: devices watched by a dashboard and an SSE stream (default: "
                + "${DEFAULT-VALUE}; a sample spread over the fleet when it is larger).")
    int observe;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
    Path report;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for profiles and faults (default: random).")
    Long seed;

    @Option(names = "--quiet", description = "No live status line.")
    boolean quiet;

    @Option(names = "--drop-every", paramLabel = "S", defaultValue = "0",
            description = "Fault: each device closes its connection every S seconds and reconnects.")
    double dropEvery;

    @Option(names = "--cut-every", paramLabel = "S", defaultValue = "0",
            description = "Fault: each device drops its TCP connection without a close every S seconds.")
    double cutEvery;

    @Option(names = "--duplicates", paramLabel = "SHARE", defaultValue = "0",
            description = "Fault: share of frames sent twice (0 … 1).")
    double duplicates;

    @Option(names = "--out-of-order", paramLabel = "SHARE", defaultValue = "0",
            description = "Fault: share of readings sent after the next one (0 … 1).")
    double outOfOrder;

    @Option(names = "--invalid", paramLabel = "SHARE", defaultValue = "0",
            description = "Fault: share of readings made invalid on purpose; each must be rejected (0 … 1).")
    double invalid;

    @Option(names = "--clock-skew", paramLabel = "MS", defaultValue = "0",
            description = "Fault: each device's clock is off by up to MS either way (the hub takes up to 5 min "
                + "ahead).")
    long clockSkew;

    @Option(names = "--burst-every", paramLabel = "S", defaultValue = "0",
            description = "Fault: each device sends --burst-size extra readings at once every S seconds.")
    double burstEvery;

    @Option(names = "--burst-size", paramLabel = "N", defaultValue = "50",
            description = "Readings in a burst (default: ${DEFAULT-VALUE}).")
    int burstSize;

    @Option(names = "--slow", paramLabel = "SHARE", defaultValue = "0",
            description = "Fault: share of devices on a slow link (one frame in flight, each --slow-delay late).")
    double slow;

    @Option(names = "--slow-delay", paramLabel = "MS", defaultValue = "500",
            description = "The slow link's delay per frame (default: ${DEFAULT-VALUE}).")
    long slowDelay;

    @Option(names = "--spike", paramLabel = "VALUE",
            description = "Demo: about once every 30 s each device reports this temperature, for one reading; set "
                + "it beyond an alert rule's threshold to see alerts open and clear.")
    Double spike;

    @Override
    public Integer call() throws Exception {
        DeviceSettings settings = settings();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient http = HubOptions.httpClient();
        HubApi api = new HubApi(http, hubOptions.base());
        ScheduledExecutorService executor = executor();
        long runSeed = seed != null ? seed : new SecureRandom().nextLong();
        Fleet fleet = null;
        Observers observers = null;
        List<Transport> transports = Transports.forChoice(transport, http, api, mqtt);
        try {
            if (credentialsFile == null || verify) {
                hubOptions.signIn(api);
            }
            List<Credentials> credentials = credentialsFile != null ? Credentials.read(credentialsFile)
                    : provision(api);
            if (saveCredentials != null) {
                Credentials.write(saveCredentials, credentials);
            }
            fleet = Fleet.of(credentials, transports, settings, api, executor, runSeed);
            out.printf(Locale.ROOT, "Simulating %d devices over %s against %s: %s readings/s each, batches of up to "
                            + "%d, %s; faults: %s%n", credentials.size(), String.join("+", fleet.transports()),
                    api.base(), number(rate), batch, duration > 0 ? number(duration) + " s" : "until stopped",
                    settings.faults().describe());
            out.flush();
            if (verify) {
                observers = Observers.start(api, http, sample(fleet), executor);
            }
            return run(fleet, api, observers, out, err, runSeed);
        } finally {
            if (observers != null) {
                observers.stop();
            }
            if (fleet != null) {
                fleet.stop();
            }
            executor.shutdownNow();
        }
    }

    private int run(Fleet fleet, HubApi api, Observers observers, PrintWriter out, PrintWriter err, long runSeed)
            throws InterruptedException, IOException {
        StatusLine status = new StatusLine(fleet, err, System.console() != null);
        var ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("sim-status"));
        if (!quiet) {
            ticker.scheduleAtFixedRate(status, 1, 1, TimeUnit.SECONDS); // shows the first connections come up too
        }
        CpuClock cpu = new CpuClock();
        long unacked;
        try {
            fleet.connect(60_000);
            fleet.start();
            if (duration > 0) {
                TimeUnit.MILLISECONDS.sleep((long) (duration * 1000));
            } else {
                new java.util.concurrent.CountDownLatch(1).await();
            }
            unacked = fleet.drain(DRAIN_MS);
        } finally {
            ticker.shutdownNow();
            status.finish();
        }
        double cores = cpu.cores();
        fleet.stop();
        VerifyReport verdict = null;
        if (observers != null) {
            verdict = new Checker(api, observers).check(fleet.devices(), fleet.transports());
        }
        out.print(Summary.table(fleet.snapshot(), unacked, cores, verdict));
        Map<String, Object> json = Summary.json(runFacts(fleet, runSeed), fleet.snapshot(), unacked, cores, verdict);
        out.println(Wire.encode(json));
        out.flush();
        if (report != null) {
            Files.writeString(report, Wire.encode(json) + "\n", StandardCharsets.UTF_8);
        }
        if (verdict != null && (!verdict.passed() || unacked > 0)) {
            return EXIT_VERIFY_FAILED;
        }
        return 0;
    }

    private DeviceSettings settings() {
        CommandLine cli = spec.commandLine();
        boolean devicesGiven = spec.commandLine().getParseResult().hasMatchedOption("--devices");
        if (credentialsFile != null && devicesGiven) {
            throw new CommandLine.ParameterException(cli, "give --devices or --credentials, not both: the file "
                    + "decides how many devices run");
        }
        if (devices < 1 || devices > 100_000) {
            throw new CommandLine.ParameterException(cli, "--devices must be in [1, 100000], but was " + devices);
        }
        if (!(rate > 0) || rate > 100_000) {
            throw new CommandLine.ParameterException(cli, "--rate must be in (0, 100000] readings/s, but was " + rate);
        }
        if (batch < 1 || batch > 500) {
            throw new CommandLine.ParameterException(cli, "--batch must be in [1, 500] (the contract's largest "
                    + "batch), but was " + batch);
        }
        if (window < 1 || window > 1000) {
            throw new CommandLine.ParameterException(cli, "--window must be in [1, 1000], but was " + window);
        }
        if (!(duration >= 0) || duration > 7 * 86_400) {
            throw new CommandLine.ParameterException(cli, "--duration must be in [0, 604800] seconds, but was "
                    + duration);
        }
        if (observe < 0 || observe > 1000) {
            throw new CommandLine.ParameterException(cli, "--observe must be in [0, 1000], but was " + observe);
        }
        if (!Ids.isValid(namespace)) {
            throw new CommandLine.ParameterException(cli, "--namespace must match " + Ids.RULE + ", but was \""
                    + Ids.echo(namespace) + "\"");
        }
        if (verify && duration == 0) {
            throw new CommandLine.ParameterException(cli, "--verify needs a --duration: a run without an end is "
                    + "never checked");
        }
        try {
            Faults faults = new Faults(dropEvery, cutEvery, duplicates, outOfOrder, invalid, clockSkew, burstEvery,
                    burstSize, slow, slowDelay);
            if (spike != null && !Double.isFinite(spike)) {
                throw new IllegalArgumentException("--spike must be a finite number, but was " + spike);
            }
            return new DeviceSettings(rate, batch, window, 1_000, 15_000, new Backoff(100, 5_000), faults, spike);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }

    /** Fresh devices for this run, provisioned a few at a time. */
    private List<Credentials> provision(HubApi api) throws InterruptedException {
        FreshDeviceIds ids = FreshDeviceIds.forRun("sim");
        long reportIntervalMs = Math.min(86_400_000, Math.max(1_000, Math.round(1000 / rate)));
        ExecutorService setup = Executors.newFixedThreadPool(SETUP_CONCURRENCY, DaemonThreads.named("sim-provision"));
        try {
            List<Future<Credentials>> pending = new ArrayList<>();
            for (int i = 1; i <= devices; i++) {
                String id = ids.id(i);
                pending.add(setup.submit(() -> new Credentials(id, api.provision(id, namespace, reportIntervalMs))));
            }
            List<Credentials> provisioned = new ArrayList<>(devices);
            for (Future<Credentials> future : pending) {
                try {
                    provisioned.add(future.get());
                } catch (ExecutionException e) {
                    pending.forEach(f -> f.cancel(true));
                    throw e.getCause() instanceof HubException s ? s
                            : new SimulatorException("provisioning failed: " + e.getCause(), e.getCause());
                }
            }
            return provisioned;
        } finally {
            setup.shutdownNow();
        }
    }

    /** Up to --observe devices: as many per transport as can be, spread evenly over each transport's devices. */
    private List<String> sample(Fleet fleet) {
        Map<String, List<String>> byTransport = new LinkedHashMap<>();
        fleet.devices().forEach(d -> byTransport.computeIfAbsent(d.transport(), t -> new ArrayList<>()).add(d.id()));
        int k = Math.min(observe, fleet.devices().size());
        int transports = byTransport.size();
        List<String> ids = new ArrayList<>(k);
        int t = 0;
        for (List<String> group : byTransport.values()) {
            int share = Math.min(group.size(), k / transports + (t++ < k % transports ? 1 : 0));
            for (int i = 0; i < share; i++) {
                ids.add(group.get((int) ((long) i * group.size() / share)));
            }
        }
        return ids;
    }

    private Map<String, Object> runFacts(Fleet fleet, long runSeed) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("devices", fleet.devices().size());
        facts.put("transport", transport);
        facts.put("ratePerDevice", rate);
        facts.put("durationS", duration);
        facts.put("batch", batch);
        facts.put("seed", runSeed);
        facts.put("faults", new Faults(dropEvery, cutEvery, duplicates, outOfOrder, invalid, clockSkew, burstEvery,
                burstSize, slow, slowDelay).describe());
        return facts;
    }

    private static ScheduledExecutorService executor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        ScheduledThreadPoolExecutor executor =
                new ScheduledThreadPoolExecutor(threads, DaemonThreads.named("sim-device"));
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    /** CPU this process burns from now on, in cores on average. */
    private static final class CpuClock {
        private final com.sun.management.OperatingSystemMXBean os =
                ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b
                        ? b : null;
        private final long cpuAtStart = os == null ? 0 : os.getProcessCpuTime();
        private final long nanosAtStart = System.nanoTime();

        double cores() {
            return os == null ? Double.NaN
                    : (os.getProcessCpuTime() - cpuAtStart) / (double) (System.nanoTime() - nanosAtStart);
        }
    }
}
