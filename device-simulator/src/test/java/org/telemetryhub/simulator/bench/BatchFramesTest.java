package org.telemetryhub.simulator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.telemetryhub.protocol.Wire;

class BatchFramesTest {

    @Test
    void handWrittenFrameIsTheSameJsonAsTheProtocolCodec() throws Exception {
        long ts = 1_764_057_600_123L;
        for (long first : new long[] {1, 399, 9_007_199_254_740_000L}) {
            String fast = BatchFrames.frame(first, 37, ts);
            String codec = Wire.batchFrame(BatchFrames.readings(first, 37, ts));
            assertEquals(Wire.tree(codec), Wire.tree(fast));
        }
    }
}
