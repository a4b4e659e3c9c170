package org.telemetryhub.simulator.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;
import org.telemetryhub.simulator.device.DeviceReading;

class FrameTest {

    private static final long TS = 1_764_057_600_123L;

    @Test
    void one_reading_is_a_reading_frame_and_several_a_batch_as_the_protocol_codec_writes_them() throws Exception {
        DeviceReading a = DeviceReading.of(1, TS, Map.of("temperature", 21.5), null);
        DeviceReading b = DeviceReading.of(2, TS + 1, Map.of("humidity", 40.25, "battery", 99.0), null);

        Frame single = Frame.of(List.of(1L), List.of(a.json()));
        Frame batch = Frame.of(List.of(2L, 1L), List.of(b.json(), a.json()));

        Reading ra = new Reading(1, TS, Map.of("temperature", 21.5));
        Reading rb = new Reading(2, TS + 1, Map.of("humidity", 40.25, "battery", 99.0));
        assertEquals(Wire.tree(Wire.readingFrame(ra)), Wire.tree(single.json()));
        assertEquals(Wire.tree(Wire.batchFrame(List.of(rb, ra))), Wire.tree(batch.json()));
    }
}
