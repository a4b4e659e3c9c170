package org.telemetryhub.hub.mqtt;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.FreePort;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.MqttDevice;
import org.telemetryhub.hub.support.MqttStreamer;
import org.telemetryhub.hub.support.StoreFile;

/**
 * The embedded broker's PUBACK survives {@code kill -9}: a hub in its own process is killed while QoS 1 PUBACKs are
 * flowing, restarted on its store, and the devices resend every reading that got no PUBACK. Then the hub is killed
 * again and its H2 file, read directly, must hold every reading that got a PUBACK, once, and nothing else. The
 * control drill kills a hub whose H2 store delays its writes and must find PUBACKed readings missing from its file:
 * proof that the drill can fail.
 */
class MqttCrashTest {

    static final int DEVICES = 16;
    /** Publishes a device keeps in flight; the broker still handles them one at a time per device. */
    static final int IN_FLIGHT = 10;
    static final int MIN_ACKED_BEFORE_KILL = 500;
    static final int MIN_ACKS_IN_WINDOW = 100;
    static final long WINDOW_MS = 200;
    static final Map<String, String> FAST_DEVICES = Map.of("limits.deviceReadingsPerSecond", "1000000",
            "limits.deviceBurst", "1000000");

    @TempDir
    Path store;

    record Drill(int acksInWindow, long made, long ackedBeforeKill, long stored, List<String> lost,
                 List<String> twice) {
        String summary() {
            return "MQTT crash drill: " + made + " readings made, " + ackedBeforeKill + " PUBACKed before the kill ("
                    + acksInWindow + " in the last " + WINDOW_MS + " ms), " + stored + " stored at the end, "
                    + lost.size() + " PUBACKed but lost " + lost.stream().limit(5).toList() + ", " + twice.size()
                    + " stored twice";
        }
    }

    @Test
    void every_reading_that_got_a_puback_is_stored_exactly_once_after_kill_minus_nine() {
        Drill drill = drill(store, FAST_DEVICES, true);
        System.out.println(drill.summary());

        assertTrue(drill.acksInWindow() >= MIN_ACKS_IN_WINDOW, drill.summary());
        assertEquals(List.of(), drill.lost(), drill.summary());
        assertEquals(List.of(), drill.twice(), drill.summary());
        assertEquals(drill.made(), drill.stored(), drill.summary());
    }

    @Test
    void control_hub_with_write_delay_loses_readings_it_pubacked() {
        Map<String, String> settings = new HashMap<>(FAST_DEVICES);
        settings.put("store.url", "jdbc:h2:file:" + store.toAbsolutePath().normalize().resolve("hub"));
        settings.put("store.sync", "none");
        Drill drill = drill(store, settings, false);
        System.out.println(drill.summary());

        assertTrue(drill.acksInWindow() >= MIN_ACKS_IN_WINDOW, drill.summary());
        assertTrue(drill.lost().size() > 0, "the drill must catch a hub that acks before its data is on disk: "
                + drill.summary());
    }

    /**
     * Streams, kills while PUBACKs flow; with {@code resend}, restarts, resends what got no PUBACK and kills again;
     * then reads the H2 file. (The control does not resend: its hub may have lost the devices themselves.)
     */
    static Drill drill(Path store, Map<String, String> hubSettings, boolean resend) {
        int port = FreePort.any();
        Map<String, String> settings = new HashMap<>(hubSettings);
        settings.put("mqtt.mode", "embedded");
        settings.put("mqtt.port", Integer.toString(port));
        long ts = System.currentTimeMillis();
        try (HubProcess hub = HubProcess.start(store, settings, Path.of("target", "crash-test", "mqtt.log"))) {
            Api admin = hub.admin();
            List<MqttStreamer> streamers = new ArrayList<>();
            for (int i = 0; i < DEVICES; i++) {
                Api.Device device = admin.provision("crash-" + i);
                streamers.add(new MqttStreamer(device, MqttDevice.connect(port, device.id(), admin.ticket(device)),
                        ts, IN_FLIGHT, Long.MAX_VALUE));
            }
            streamers.forEach(MqttStreamer::start);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5)).until(() ->
                    MqttStreamer.acked(streamers) >= MIN_ACKED_BEFORE_KILL && MqttStreamer.ackedBetween(streamers,
                            System.nanoTime() - WINDOW_MS * 1_000_000, Long.MAX_VALUE) >= MIN_ACKS_IN_WINDOW);
            streamers.forEach(MqttStreamer::halt);
            long killedAt = System.nanoTime();
            hub.kill();
            int inWindow = MqttStreamer.ackedBetween(streamers, killedAt - WINDOW_MS * 1_000_000, killedAt);
            streamers.forEach(MqttStreamer::stop);
            long ackedBeforeKill = MqttStreamer.acked(streamers);

            if (resend) {
                hub.start();
                Api restarted = hub.admin();
                for (MqttStreamer streamer : streamers) {
                    streamer.resend(MqttDevice.connect(port, streamer.identity.id(),
                            restarted.ticket(streamer.identity)));
                }
                hub.kill();
            }

            Map<String, Map<Long, Integer>> rows = StoreFile.rows(store);
            List<String> lost = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            long stored = 0;
            for (MqttStreamer streamer : streamers) {
                String id = streamer.identity.id();
                Map<Long, Integer> copies = rows.getOrDefault(id, Map.of());
                stored += copies.size();
                streamer.ackedAt.keySet().stream().filter(seq -> !copies.containsKey(seq))
                        .forEach(seq -> lost.add(id + "#" + seq));
                copies.forEach((seq, count) -> {
                    if (count != 1) {
                        twice.add(id + "#" + seq);
                    }
                });
            }
            long made = streamers.stream().mapToLong(MqttStreamer::made).sum();
            return new Drill(inWindow, made, ackedBeforeKill, stored, lost, twice);
        }
    }
}
