package org.telemetryhub.hub.simulator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.telemetryhub.hub.support.FreePort;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.HubProcess;

/**
 * The hub, in its own process, is killed with SIGKILL in the middle of a simulator run and started again on the same
 * store and port. The simulator must find it again by itself, resend what was not acked, and its check must find
 * nothing lost and nothing duplicated. The control runs the same drill against a hub whose H2 store acks long before
 * its writes reach the disk (a write delay longer than the run before the kill), and the check must report loss:
 * proof that it can. Both runs provision their devices and restart the hub cleanly before the fleet starts, so a
 * kill can take readings and never the devices.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(SimulatorRun.FLEET)
class SimulatorCrashTest {

    private static final int DEVICES = 50;
    private static final String[] FLEET = {"--transport", "mixed", "--rate", "5", "--duration", "20", "--batch", "5"};
    /** Readings the hub must have stored before the kill, so it falls mid-run with acks flowing. */
    private static final long STORED_BEFORE_KILL = 1_000;
    /** Far longer than the control runs before its kill, so none of its acked readings is on disk by then. */
    private static final long CONTROL_WRITE_DELAY_MS = 60_000;

    @TempDir
    Path store;

    @TempDir
    Path dir;

    @Test
    void simulator_reconnects_by_itself_after_kill_minus_nine_and_loses_nothing() throws Exception {
        SimulatorRun.Result result = runWithKill(Map.of(), "durable");

        assertEquals(0, result.exitCode(), result.output());
        assertEquals(0, result.verified("lost"), result.output());
        assertEquals(0, result.verified("duplicated"), result.output());
        assertEquals(0, result.verified("unacked"), result.output());
        for (String transport : new String[] {"ws", "http", "mqtt"}) {
            assertTrue(result.transport(transport).path("reconnects").asLong() >= 16, result.output());
        }
    }

    @Test
    void control_hub_that_acks_before_its_write_is_durable_makes_verify_report_loss() throws Exception {
        String delayedWrites = "jdbc:h2:file:" + store.toAbsolutePath().normalize().resolve("hub")
                + ";WRITE_DELAY=" + CONTROL_WRITE_DELAY_MS;

        SimulatorRun.Result result = runWithKill(Map.of("store.url", delayedWrites, "store.sync", "none",
                "store.flushIntervalMs", String.valueOf(CONTROL_WRITE_DELAY_MS)), "write-delay-control");

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.verified("lost") > 0, "the check must catch a hub that acks before its data is on disk:\n"
                + result.output());
    }

    private SimulatorRun.Result runWithKill(Map<String, String> settings, String name) throws Exception {
        Path log = Path.of("target", "simulator-crash", name + ".log");
        int mqttPort = FreePort.any(); // the same after the restart, as the devices were told it once
        Map<String, String> withMqtt = new HashMap<>(settings);
        withMqtt.putAll(Map.of("mqtt.mode", "embedded", "mqtt.port", Integer.toString(mqttPort)));
        List<String> fleet = new ArrayList<>(List.of(FLEET));
        fleet.addAll(List.of("--mqtt", "127.0.0.1:" + mqttPort));
        try (HubProcess hub = HubProcess.start(store, withMqtt, log)) {
            fleet.addAll(List.of("--credentials", provisioned(hub.admin()).toString()));
            hub.stop();
            hub.start();
            Api admin = hub.admin();
            CompletableFuture<SimulatorRun.Result> run = SimulatorRun.start(hub.url(), dir,
                    fleet.toArray(String[]::new));

            await("readings stored before the kill").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> run.isDone() || stored(admin) >= STORED_BEFORE_KILL);
            assertTrue(!run.isDone(), () -> "the run ended before the kill:\n" + run.join().output());
            hub.kill();
            hub.restartOnSamePort();

            return run.get(3, TimeUnit.MINUTES);
        }
    }

    /** Provisions the fleet's devices and writes them to a credentials file for {@code --credentials}. */
    private Path provisioned(Api admin) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 1; i <= DEVICES; i++) {
            Api.Device device = admin.provision("sim-" + i);
            lines.append(device.id()).append(',').append(device.secret()).append('\n');
        }
        return Files.writeString(dir.resolve("credentials.csv"), lines);
    }

    /** Readings the hub holds over all devices: the highest seq per device less its holes and rejected seqs. */
    private static long stored(Api admin) {
        long stored = 0;
        for (JsonNode device : admin.get("/api/devices").body().path("devices")) {
            stored += device.path("lastSeq").asLong() - device.path("holes").asLong()
                    - device.path("rejected").asLong();
        }
        return stored;
    }
}
