package org.telemetryhub.simulator.bench;

import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.telemetryhub.client.HubRefusedException;
import org.telemetryhub.client.Ticket;
import org.telemetryhub.simulator.client.FreshDeviceIds;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.client.HubOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tickets}: a steady stream of ticket requests spread over many devices, as a fleet reconnecting all day
 * makes it (each ticket is stored until it is used or expires). Requests go out at {@code --rate} per second, round
 * robin over the devices, with at most {@code --concurrency} unanswered; the answers are counted by status.
 */
@Command(name = "tickets",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Ticket load: POST /api/tickets at a steady rate, round robin over freshly provisioned devices.",
            "",
            "Prints one line per --report seconds and a summary of the answers by HTTP status.",
        })
public final class TicketLoad implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    HubOptions hubOptions;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "2000",
            description = "Devices the requests are spread over (default: ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "1000",
            description = "Ticket requests per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "60",
            description = "Seconds of load (default: ${DEFAULT-VALUE}).")
    double duration;

    @Option(names = "--concurrency", paramLabel = "C", defaultValue = "32",
            description = "Requests in flight at most (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--report", paramLabel = "S", defaultValue = "10",
            description = "Seconds between progress lines on stderr (default: ${DEFAULT-VALUE}).")
    double report;

    private final Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (devices < 1 || rate <= 0 || duration <= 0 || concurrency < 1 || report <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--devices, --rate, --duration, "
                    + "--concurrency and --report must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        HttpClient http = HubOptions.httpClient();
        HubApi api = hubOptions.signIn(http);
        List<Provisioner.Device> fleet = new Provisioner(api, concurrency)
                .provision(FreshDeviceIds.forRun("tickets"), devices, "tickets", 60_000);
        out.printf(Locale.ROOT, "Ticket load against %s: %,.0f requests/s over %d devices for %.0f s%n",
                api.base(), rate, devices, duration);
        out.flush();

        Semaphore window = new Semaphore(concurrency);
        long started = System.nanoTime();
        long end = started + (long) (duration * 1e9);
        long nextReport = started + (long) (report * 1e9);
        long sent = 0;
        while (System.nanoTime() < end) {
            long due = started + (long) (sent * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
                continue;
            }
            window.acquire();
            Provisioner.Device device = fleet.get((int) (sent % fleet.size()));
            api.ticketAsync(device.id(), device.secret()).whenComplete((ticket, failure) -> {
                count(failure == null ? 201 : status(failure));
                window.release();
            });
            sent++;
            if (System.nanoTime() >= nextReport) {
                err.printf(Locale.ROOT, "tickets: %,d sent, %s%n", sent, answered());
                err.flush();
                nextReport += (long) (report * 1e9);
            }
        }
        window.tryAcquire(concurrency, 30, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf(Locale.ROOT, "sent %,d in %.1f s (%,.0f/s); answers by status: %s%n", sent, seconds,
                sent / seconds, answered());
        out.flush();
        return 0;
    }

    private void count(int status) {
        answers.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    private String answered() {
        Map<Integer, Long> sorted = new TreeMap<>();
        answers.forEach((status, count) -> sorted.put(status, count.sum()));
        return sorted.toString();
    }

    /** The HTTP status of a refused request, or 0 when no answer came (a connection or timeout failure). */
    private static int status(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof HubRefusedException refused ? refused.status() : 0;
    }
}
