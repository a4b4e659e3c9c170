package org.telemetryhub.hub.ingest;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.DeviceClient;
import org.telemetryhub.hub.support.Readings;
import org.telemetryhub.hub.support.TestHub;

/**
 * A device that sends faster than its frames are committed is slowed by TCP, never stalled: its socket stops reading
 * while its window of frames waits for commits, and reads on once a commit takes one off.
 */
class BackPressureTest {

    @Test
    void a_device_sending_far_ahead_of_a_one_frame_window_gets_every_frame_acked() {
        try (TestHub hub = TestHub.start(Map.of("ingest.maxPendingPerConnection", "1",
                "limits.deviceReadingsPerSecond", "1000000", "limits.deviceBurst", "1000000"))) {
            Api admin = hub.admin();
            Api.Device device = admin.provision("hasty");
            try (DeviceClient client = DeviceClient.connect(hub.deviceSocket(), admin.ticket(device))) {
                long ts = hub.clock.millis();
                int frames = 5_000;
                for (int seq = 1; seq <= frames; seq++) {
                    client.send(Readings.one(seq, ts));
                }

                for (int seq = 1; seq <= frames; seq++) {
                    client.ack(seq); // fails after 10 s without it: a socket left paused reads nothing more
                }
            }
        }
    }
}
