package org.telemetryhub.hub.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.core.ReadingStore.Outcome;
import org.telemetryhub.hub.core.RejectedSeq;
import org.telemetryhub.hub.support.TestClock;
import org.telemetryhub.protocol.Reading;

class LoggedReadingStoreTest {

    @TempDir
    Path dir;

    private HubConfig.Store config;
    private Database database;
    private LoggedReadingStore store;
    private DeviceRef device;
    private final TestClock clock = new TestClock();

    @BeforeEach
    void open() throws Exception {
        // the tables follow only when asked: what a test reads before flushNow comes from the log's tail
        config = HubConfig.from(ConfigLoader.settings(Map.of("store.dir", dir.toString(),
                "store.flushIntervalMs", "3600000"))).store();
        database = Database.open(config);
        device = new DeviceStore(database, ReadingCursor.Live.NONE).create("sensor-1", "plant", 1_000, Map.of(),
                "hash", 0);
        store = start();
    }

    @AfterEach
    void close() {
        store.close();
        database.close();
    }

    @Test
    void an_acked_reading_is_seen_by_every_read_before_the_tables_hold_it() {
        store.write(List.of(write(reading(1, 20.0), reading(2, 21.0))));

        assertEquals(List.of(1L, 2L), offsets(store.after(device.key(), 0, 10)));
        assertEquals(2, store.lastOffset(device.key()));
        assertEquals(1, store.firstOffset(device.key()));
        assertEquals(2, store.between(device.key(), 0, 10_000, 10).size());
        assertEquals(0, blocks().after(device.key(), 0, 10).size());
        assertEquals(2, store.cursor(device.key()).orElseThrow().maxSeq());
    }

    @Test
    void after_a_flush_the_tables_hold_the_readings_and_reads_are_unchanged() {
        store.write(List.of(write(reading(1, 20.0), reading(2, 21.0))));

        flushNow();

        assertEquals(List.of(1L, 2L), offsets(blocks().after(device.key(), 0, 10)));
        assertEquals(List.of(1L, 2L), offsets(store.after(device.key(), 0, 10)));
        assertEquals(2, tables().lastOffset(device.key()));
    }

    @Test
    void a_resend_of_a_flushed_seq_is_a_duplicate_and_other_content_is_a_conflict() {
        store.write(List.of(write(reading(1, 20.0))));
        flushNow();

        List<Outcome> outcomes = store.write(List.of(write(reading(1, 20.0), reading(1, 99.0)))).get(0);

        assertInstanceOf(Outcome.Duplicate.class, outcomes.get(0));
        assertInstanceOf(Outcome.Conflict.class, outcomes.get(1));
        assertEquals(1, store.rejections(device.key(), 10).size());
    }

    @Test
    void reads_span_the_tables_and_the_tail_without_a_gap_or_a_repeat() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0))));
        flushNow();
        store.write(List.of(write(reading(3, 3.0), reading(4, 4.0))));

        assertEquals(List.of(2L, 3L, 4L), offsets(store.after(device.key(), 1, 10)));
        assertEquals(List.of(1L, 2L, 3L), offsets(store.after(device.key(), 0, 3)));
        assertEquals(List.of(1L, 2L, 3L, 4L), offsets(store.between(device.key(), 0, 10_000, 10)));
        StringBuilder scanned = new StringBuilder();
        store.scan(device.key(), 0, 10_000, r -> scanned.append(r.reading().seq()));
        assertEquals("1234", scanned.toString());
    }

    @Test
    void a_seq_refused_for_its_content_counts_as_rejected_not_as_a_hole_before_and_after_the_flush() {
        store.write(List.of(write(reading(1, 1.0)), refused(2), refused(2), write(reading(3, 3.0)), refused(5)));

        ReadingCursor unflushed = store.cursor(device.key()).orElseThrow();
        flushNow();
        ReadingCursor flushed = tables().cursor(device.key()).orElseThrow();

        for (ReadingCursor cursor : List.of(unflushed, flushed)) {
            assertEquals(1, cursor.rejected(), "seq 2 (seq 5 lies above the highest stored seq)");
            assertEquals(0, cursor.holes());
        }
        assertEquals(List.of(new RejectedSeq(2, "invalid_ts"), new RejectedSeq(5, "invalid_ts")),
                store.rejectedSeqs(device.key(), 1, 10, 10));
    }

    @Test
    void a_refused_seq_counts_once_a_higher_seq_is_stored_and_leaves_the_set_when_it_is_stored() {
        store.write(List.of(write(reading(1, 1.0)), refused(3)));
        flushNow();
        store.write(List.of(write(reading(4, 4.0))));

        assertEquals(1, store.cursor(device.key()).orElseThrow().rejected());
        assertEquals(1, store.cursor(device.key()).orElseThrow().holes(), "seq 2 is lost");

        store.write(List.of(write(reading(3, 3.0))));

        assertEquals(0, store.cursor(device.key()).orElseThrow().rejected());
        assertEquals(List.of(), store.rejectedSeqs(device.key(), 1, 10, 10));
        flushNow();
        assertEquals(0, tables().cursor(device.key()).orElseThrow().rejected());
        assertEquals(List.of(), tables().rejectedSeqs(device.key(), 1, 10, 10));
    }

    @Test
    void a_refused_seq_that_is_stored_already_is_not_counted() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0))));

        store.write(List.of(refused(1)));

        assertEquals(0, store.cursor(device.key()).orElseThrow().rejected());
        assertEquals(List.of(), store.rejectedSeqs(device.key(), 1, 10, 10));
    }

    @Test
    void the_rejected_seqs_of_a_hub_killed_before_the_flush_are_found_at_start() {
        store.write(List.of(write(reading(1, 1.0)), refused(2), write(reading(3, 3.0))));
        database.close();
        database = Database.open(config);

        store = start();

        assertEquals(1, tables().cursor(device.key()).orElseThrow().rejected());
        assertEquals(List.of(new RejectedSeq(2, "invalid_ts")), tables().rejectedSeqs(device.key(), 1, 10, 10));
    }

    @Test
    void a_hub_killed_before_the_tables_took_the_log_finds_every_reading_once_at_start() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0))));
        store.write(List.of(write(reading(2, 2.0), reading(3, 3.0))));
        // a kill: the store is dropped without its clean close, so only the log holds the readings
        database.close();
        database = Database.open(config);

        store = start();

        List<ReadingStore.StoredReading> stored = blocks().after(device.key(), 0, 10);
        assertEquals(List.of(1L, 2L, 3L), offsets(stored));
        assertEquals(List.of(1L, 2L, 3L), stored.stream().map(s -> s.reading().seq()).toList());
        assertEquals(3, tables().cursor(device.key()).orElseThrow().storedCount());
        assertEquals(0, store.logBytes());
    }

    @Test
    void a_flush_killed_between_its_commits_leaves_the_rest_to_the_log_and_every_reading_is_stored_once()
            throws Exception {
        DeviceRef other = new DeviceStore(database, ReadingCursor.Live.NONE).create("sensor-2", "plant", 1_000,
                Map.of(), "hash", 0);
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0)),
                new ReadingStore.Write(other, List.of(reading(1, 1.0), reading(2, 2.0), reading(3, 3.0)), List.of())));
        database.close(); // a kill: only the log holds the readings
        database = Database.open(config);
        // the flush after it commits the first device's blocks, one reading a commit, and dies before the second's
        List<LogEntry> logged = new ArrayList<>();
        LoggedReadingStore.Settings settings = LoggedReadingStore.Settings.of(config);
        ReadingLog log = ReadingLog.open(settings.dir(), settings.sync(), settings.segmentBytes(), 0,
                (payload, end) -> logged.add(LogEntry.decode(payload)));
        IllegalStateException killed = new IllegalStateException("killed after the first commit");
        assertSame(killed, assertThrows(IllegalStateException.class, () -> new TableFlush(database, 1).write(
                TableFlush.Batch.of(logged), log.position(), new TableFlush.Progress() {
                    @Override
                    public void committing() {}

                    @Override
                    public void committed(Map<Long, Long> through) {
                        throw killed;
                    }
                })));
        log.close();
        assertEquals(List.of(1L, 2L), offsets(blocks().after(device.key(), 0, 10)));
        assertEquals(List.of(), blocks().after(other.key(), 0, 10));

        store = start();

        assertEquals(List.of(1L, 2L), offsets(blocks().after(device.key(), 0, 10)));
        assertEquals(List.of(1L, 2L, 3L), offsets(blocks().after(other.key(), 0, 10)));
        assertEquals(2, tables().cursor(device.key()).orElseThrow().storedCount());
        assertEquals(3, tables().cursor(other.key()).orElseThrow().storedCount());
    }

    @Test
    void a_kill_after_a_clean_restart_still_finds_the_log() {
        store.close();
        store = start();
        store.write(List.of(write(reading(1, 1.0))));
        database.close();
        database = Database.open(config);

        store = start();

        assertEquals(List.of(1L), offsets(blocks().after(device.key(), 0, 10)));
    }

    @Test
    void a_resend_of_a_seq_inside_a_flushed_block_is_a_duplicate_and_other_content_is_a_conflict() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0), reading(3, 3.0), reading(4, 4.0))));
        flushNow();
        store.write(List.of(write(reading(5, 5.0), reading(6, 6.0))));
        flushNow();

        List<Outcome> outcomes = store.write(List.of(write(reading(3, 3.0), reading(5, 5.0), reading(2, 99.0))))
                .get(0);

        assertEquals(new Outcome.Duplicate(3), outcomes.get(0));
        assertEquals(new Outcome.Duplicate(5), outcomes.get(1));
        assertInstanceOf(Outcome.Conflict.class, outcomes.get(2));
        assertEquals("seq_conflict", store.rejections(device.key(), 10).get(0).code());
        assertEquals(6, store.lastOffset(device.key()));
    }

    @Test
    void retention_cutting_through_a_block_keeps_the_rest_readable_from_its_first_offset() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0), reading(3, 3.0))));
        clock.advance(60_000);
        long cutoff = clock.millis();
        store.write(List.of(write(reading(4, 4.0), reading(5, 5.0))));
        flushNow();

        int deleted = store.deleteStoredBefore(device.key(), cutoff);

        assertEquals(3, deleted);
        assertEquals(4, store.firstOffset(device.key()));
        assertEquals(List.of(4L, 5L), offsets(store.after(device.key(), 0, 10)));
        assertEquals(List.of(4L, 5L), offsets(store.between(device.key(), 0, 10_000, 10)));
        assertEquals(new Outcome.Duplicate(5), store.write(List.of(write(reading(5, 5.0)))).get(0).get(0));
        assertEquals(0, store.deleteStoredBefore(device.key(), cutoff));
    }

    @Test
    void retention_deletes_whole_blocks_and_cuts_the_first_one_it_keeps() {
        store.write(List.of(write(reading(1, 1.0), reading(2, 2.0))));
        flushNow();
        store.write(List.of(write(reading(3, 3.0))));
        clock.advance(60_000);
        long cutoff = clock.millis();
        store.write(List.of(write(reading(4, 4.0))));
        flushNow();

        int deleted = store.deleteStoredBefore(device.key(), cutoff);

        assertEquals(3, deleted);
        assertEquals(4, store.firstOffset(device.key()));
        assertEquals(List.of(4L), offsets(blocks().after(device.key(), 0, 10)));
    }

    @Test
    void reads_and_retention_walk_more_blocks_than_one_page() {
        for (int seq = 1; seq <= 20; seq++) {
            store.write(List.of(write(reading(seq, seq))));
            flushNow();
            if (seq == 13) {
                clock.advance(60_000);
            }
        }

        assertEquals(15, store.after(device.key(), 0, 15).size());
        assertEquals(List.of(13L, 14L, 15L, 16L, 17L, 18L, 19L, 20L), offsets(store.after(device.key(), 12, 100)));
        assertEquals(List.of(10L, 11L, 12L), offsets(store.between(device.key(), 1_010, 1_013, 100)));
        assertEquals(13, store.deleteStoredBefore(device.key(), clock.millis()));
        assertEquals(14, store.firstOffset(device.key()));
    }

    @Test
    void a_scan_hands_flushed_readings_on_in_ts_order_when_the_device_clock_went_back() {
        store.write(List.of(write(at(1, 5_000), at(2, 9_000))));
        flushNow();
        store.write(List.of(write(at(3, 2_000), at(4, 7_000))));
        flushNow();

        StringBuilder scanned = new StringBuilder();
        store.scan(device.key(), 0, 8_000, r -> scanned.append(r.reading().seq()));

        assertEquals("314", scanned.toString());
        assertEquals(List.of(1L, 3L, 4L), offsets(store.between(device.key(), 0, 8_000, 10)));
    }

    @Test
    void the_tables_take_the_log_once_its_blocks_would_be_full_enough_without_waiting_for_the_interval() {
        int threshold = TableFlusher.MIN_FULL_FLUSH; // one device: its one block holds them all
        Reading[] first = new Reading[threshold - 1];
        for (int i = 0; i < first.length; i++) {
            first[i] = reading(i + 1, i);
        }
        store.write(List.of(write(first)));
        assertEquals(0, blocks().after(device.key(), 0, 10).size());

        store.write(List.of(write(reading(threshold, 0))));

        await().atMost(Duration.ofSeconds(10)).until(() -> tables().lastOffset(device.key()) == threshold);
        assertEquals(threshold, store.lastOffset(device.key()));
    }

    private LoggedReadingStore start() {
        LoggedReadingStore opened = new LoggedReadingStore(database, LoggedReadingStore.Settings.of(config), clock);
        opened.start();
        return opened;
    }

    private void flushNow() {
        store.flush();
    }

    private JdbcReadingStore tables() {
        return new JdbcReadingStore(database, clock);
    }

    private BlockTables blocks() {
        return new BlockTables(database);
    }

    private ReadingStore.Write write(Reading... readings) {
        return new ReadingStore.Write(device, List.of(readings), List.of());
    }

    /** A reading with this seq that the validator refused for its content. */
    private ReadingStore.Write refused(long seq) {
        return new ReadingStore.Write(device, List.of(),
                List.of(new ReadingStore.Rejection(seq, "invalid_ts", "ts must be after 2000-01-01", 1_000)));
    }

    private static Reading reading(long seq, double value) {
        return new Reading(seq, 1_000 + seq, Map.of("t", value));
    }

    private static Reading at(long seq, long ts) {
        return new Reading(seq, ts, Map.of("t", (double) seq));
    }

    private static List<Long> offsets(List<ReadingStore.StoredReading> readings) {
        return readings.stream().map(ReadingStore.StoredReading::offset).toList();
    }
}
