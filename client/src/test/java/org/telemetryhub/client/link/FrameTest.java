package org.telemetryhub.client.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Reading;
import org.telemetryhub.protocol.Wire;

class FrameTest {

    private static final long TS = 1_764_057_600_123L;

    @Test
    void one_reading_is_a_reading_frame_and_several_a_batch_as_the_protocol_codec_writes_them() throws Exception {
        Reading ra = new Reading(1, TS, Map.of("temperature", 21.5));
        Reading rb = new Reading(2, TS + 1, Map.of("humidity", 40.25, "battery", 99.0));

        Frame single = Frame.of(List.of(1L), List.of(object(ra)));
        Frame batch = Frame.of(List.of(2L, 1L), List.of(object(rb), object(ra)));

        assertEquals(Wire.tree(Wire.readingFrame(ra)), Wire.tree(single.json()));
        assertEquals(Wire.tree(Wire.batchFrame(List.of(rb, ra))), Wire.tree(batch.json()));
    }

    @Test
    void frame_of_readings_holds_their_seqs_in_order() throws Exception {
        Reading ra = new Reading(7, TS, Map.of("temperature", 21.5));
        Reading rb = new Reading(3, TS + 1, Map.of("humidity", 40.25));

        Frame frame = Frame.ofReadings(List.of(ra, rb));

        assertEquals(List.of(7L, 3L), frame.seqs());
        assertEquals(Wire.tree(Wire.batchFrame(List.of(ra, rb))), Wire.tree(frame.json()));
    }

    /** A reading as a JSON object without its type, as frames hold it. */
    private static String object(Reading reading) {
        return "{" + Wire.readingFrame(reading).substring("{\"type\":\"reading\",".length());
    }
}
