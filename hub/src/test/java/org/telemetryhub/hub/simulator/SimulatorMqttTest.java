package org.telemetryhub.hub.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.TestHub;

/**
 * The device simulator's MQTT devices against a hub with its embedded broker, side by side with WebSocket and HTTP
 * ones ({@code --transport mixed}): nothing lost, nothing duplicated, every invalid reading rejected, whether the
 * verdict topic or the PUBACK settled it.
 */
class SimulatorMqttTest {

    @TempDir
    Path dir;

    @Test
    void mixed_fleet_with_mqtt_loses_nothing_duplicates_nothing_and_every_invalid_reading_is_rejected() {
        try (TestHub hub = TestHub.start(TestHub.EMBEDDED_MQTT)) {
            SimulatorRun.Result result = SimulatorRun.run(hub.url(), dir, "--devices", "30", "--transport", "mixed",
                    "--mqtt", "127.0.0.1:" + hub.mqttPort(), "--rate", "5", "--duration", "10", "--batch", "5",
                    "--invalid", "0.03", "--duplicates", "0.05");

            assertEquals(0, result.exitCode(), result.output());
            for (String transport : new String[] {"ws", "http", "mqtt"}) {
                assertEquals(10, result.transport(transport).path("devices").asInt(), result.output());
            }
            assertTrue(result.transport("mqtt").path("acked").asLong() > 0, result.output());
            assertEquals(30, result.verified("observed"), result.output());
            assertEquals(0, result.verified("lost"), result.output());
            assertEquals(0, result.verified("duplicated"), result.output());
            assertEquals(0, result.verified("unacked"), result.output());
            assertEquals(0, result.verified("misjudged"), result.output());
            assertTrue(result.verified("invalid") > 0, result.output());
            assertEquals(result.verified("invalid"), result.verified("rejectedAsExpected"), result.output());
            assertEquals(result.verified("sent") - result.verified("invalid"), result.verified("stored"),
                    result.output());
        }
    }
}
