package org.telemetryhub.hub.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadingLogTest {

    private static final long SEGMENT = 1_000;

    @TempDir
    Path dir;

    @Test
    void a_reopened_log_replays_every_entry_past_the_checkpoint_in_order() {
        long middle;
        try (ReadingLog log = open(0, new ArrayList<>())) {
            middle = log.append(entries("a", "b"));
            log.append(entries("c"));
        }

        List<String> replayed = new ArrayList<>();
        open(middle, replayed).close();

        assertEquals(List.of("c"), replayed);
    }

    @Test
    void replay_reports_the_position_after_each_entry() {
        try (ReadingLog log = open(0, new ArrayList<>())) {
            log.append(entries("one", "two"));
        }
        List<Long> ends = new ArrayList<>();

        ReadingLog.open(dir, ReadingLog.Sync.WRITE, SEGMENT, 0, (payload, end) -> ends.add(end)).close();

        assertEquals(List.of(8L + 3, 8L + 3 + 8 + 3), ends);
    }

    @Test
    void a_torn_last_entry_is_cut_off_and_the_log_appends_after_the_last_whole_one() throws IOException {
        try (ReadingLog log = open(0, new ArrayList<>())) {
            log.append(entries("whole"));
            log.append(entries("torn-by-a-kill"));
        }
        Path segment = onlySegment();
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.setLength(file.length() - 3);
        }

        List<String> replayed = new ArrayList<>();
        try (ReadingLog log = open(0, replayed)) {
            log.append(entries("next"));
        }
        List<String> again = new ArrayList<>();
        open(0, again).close();

        assertEquals(List.of("whole"), replayed);
        assertEquals(List.of("whole", "next"), again);
    }

    @Test
    void an_entry_whose_checksum_fails_ends_the_replay() throws IOException {
        try (ReadingLog log = open(0, new ArrayList<>())) {
            log.append(entries("first", "second"));
        }
        Path segment = onlySegment();
        byte[] bytes = Files.readAllBytes(segment);
        bytes[bytes.length - 1] ^= 1;
        Files.write(segment, bytes);

        List<String> replayed = new ArrayList<>();
        open(0, replayed).close();

        assertEquals(List.of("first"), replayed);
    }

    @Test
    void segments_roll_over_and_trim_deletes_those_the_tables_hold() throws IOException {
        long checkpoint;
        try (ReadingLog log = open(0, new ArrayList<>())) {
            for (int i = 0; i < 30; i++) {
                log.append(entries("x".repeat(92)));
            }
            checkpoint = log.position();
            log.append(entries("y".repeat(92)));
            int before = segments().size();

            log.trim(checkpoint);

            assertTrue(before > 2, "30 entries of 100 bytes fill several 1,000-byte segments");
            assertEquals(1, segments().size());
        }
        List<String> replayed = new ArrayList<>();
        open(checkpoint, replayed).close();
        assertEquals(List.of("y".repeat(92)), replayed);
    }

    @Test
    void a_log_the_tables_hold_whole_leaves_no_segment_after_a_clean_close() throws IOException {
        try (ReadingLog log = open(0, new ArrayList<>())) {
            log.append(entries("taken"));
            log.trim(log.position());
        }

        assertEquals(List.of(), segments());
    }

    @Test
    void with_sync_none_nothing_reaches_the_file_until_the_delayed_write() throws IOException {
        try (ReadingLog log = ReadingLog.open(dir, ReadingLog.Sync.NONE, SEGMENT, 0, (p, e) -> { })) {
            log.append(entries("waiting"));
            assertEquals(0, Files.size(onlySegment()));

            log.writeDelayed();

            assertEquals(8 + 7, Files.size(onlySegment()));
        }
    }

    @Test
    void entries_come_back_byte_for_byte() {
        byte[] payload = {0, 1, 2, (byte) 255, 127};
        try (ReadingLog log = open(0, new ArrayList<>())) {
            log.append(List.of(payload));
        }
        List<byte[]> replayed = new ArrayList<>();

        ReadingLog.open(dir, ReadingLog.Sync.WRITE, SEGMENT, 0, (p, end) -> replayed.add(p)).close();

        assertArrayEquals(payload, replayed.get(0));
    }

    private ReadingLog open(long checkpoint, List<String> replayed) {
        return ReadingLog.open(dir, ReadingLog.Sync.WRITE, SEGMENT, checkpoint,
                (payload, end) -> replayed.add(new String(payload, StandardCharsets.UTF_8)));
    }

    private static List<byte[]> entries(String... texts) {
        return Stream.of(texts).map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    private Path onlySegment() throws IOException {
        List<Path> all = segments();
        return all.get(all.size() - 1);
    }
}
