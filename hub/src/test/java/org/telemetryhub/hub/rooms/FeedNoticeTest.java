package org.telemetryhub.hub.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.protocol.Reading;

class FeedNoticeTest {

    static final DeviceRef DEVICE = new DeviceRef(7, "thermo-7", "plant", 1_000);
    static final String STORE = "0123456789abcdef";
    static final String NODE = "b1c2d3e4-0000-4000-8000-000000000001";

    @Test
    void a_large_batch_splits_into_notices_under_eight_thousand_bytes_that_keep_every_entry_in_order() {
        List<FeedNotice.Entry> entries = new ArrayList<>();
        for (long offset = 1; offset <= 2_000; offset++) {
            entries.add(FeedNotice.Entry.of(new FeedEvent.ReadingCommitted(DEVICE,
                    new ReadingStore.StoredReading(offset, new Reading(offset, 0, Map.of()), 0))));
            if (offset % 100 == 0) {
                entries.add(FeedNotice.Entry.of(new FeedEvent.Rejected(DEVICE, new ReadingStore.Rejection(offset,
                        "bad_metric", "é".repeat(5_000), 42))));
            }
        }

        List<String> payloads = FeedNotice.payloads(STORE, NODE, entries);

        assertTrue(payloads.size() > 1, "split into " + payloads.size());
        List<FeedNotice.Entry> received = new ArrayList<>();
        for (String payload : payloads) {
            assertTrue(payload.getBytes(StandardCharsets.UTF_8).length < 8_000, payload.length() + " chars");
            FeedNotice notice = FeedNotice.parse(payload);
            assertEquals(NODE, notice.n());
            received.addAll(notice.e());
        }
        assertEquals(entries, received);
    }

    @Test
    void rejections_and_presence_changes_travel_whole() {
        FeedEvent rejected = new FeedEvent.Rejected(DEVICE, new ReadingStore.Rejection(null, "bad_frame", "no seq", 5));
        FeedEvent presence = new FeedEvent.PresenceChanged(DEVICE, "online", 9, 3);

        FeedNotice notice = FeedNotice.parse(FeedNotice.payloads(STORE, NODE,
                List.of(FeedNotice.Entry.of(rejected), FeedNotice.Entry.of(presence))).get(0));

        assertEquals(List.of(rejected, presence), notice.e().stream().map(entry -> entry.event(DEVICE)).toList());
    }
}
