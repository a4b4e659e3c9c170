package org.telemetryhub.hub.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.config.ConfigLoader;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingCursor;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.protocol.Reading;

/**
 * Figures, not assertions: what one group commit of single readings from many devices costs at the ack point (this
 * hub's reading log against H2's MVStore used directly, each with write and with fsync), what the tables cost per
 * reading when they take the log in batches, and the bytes on disk against the bytes of the readings. Each figure is
 * the median of three runs. Not part of {@code mvn verify} (the name does not end in Test); run it with
 * {@code scripts/bench-store.sh}.
 */
class StoreBenchmark {

    private static final int DEVICES = 1_000;
    private static final int COMMITS = 2_000;
    /** Readings per group commit: one from each of this many devices, as 1,000 devices sending single readings do. */
    private static final int PER_COMMIT = 50;

    @TempDir
    Path dir;

    @Test
    void ack_point_cost_per_commit() throws IOException {
        for (ReadingLog.Sync sync : List.of(ReadingLog.Sync.WRITE, ReadingLog.Sync.FSYNC)) {
            double[] log = new double[3];
            double[] mv = new double[3];
            for (int run = 0; run < 3; run++) {
                log[run] = readingLog(dir.resolve("log-" + sync + run), sync);
                mv[run] = mvStore(dir.resolve("mv-" + sync + run + ".mv.db"), sync);
            }
            print("ack point, sync " + sync.name().toLowerCase() + ", " + PER_COMMIT + " readings a commit: reading "
                    + "log " + micros(median(log)) + " us a commit, MVStore " + micros(median(mv)) + " us a commit");
        }
    }

    @Test
    void tables_cost_per_reading_and_bytes_on_disk() throws Exception {
        double[] perReading = new double[3];
        long[] h2Bytes = new long[3];
        long[] rawBytes = new long[3];
        long[] compactedBytes = new long[3];
        for (int run = 0; run < 3; run++) {
            Path store = dir.resolve("store" + run);
            HubConfig.Store config = HubConfig.from(ConfigLoader.settings(Map.of("store.dir", store.toString(),
                    "store.flushIntervalMs", "3600000", "store.flushReadings", "1000000"))).store();
            try (Database database = Database.open(config)) {
                DeviceStore devices = new DeviceStore(database, ReadingCursor.Live.NONE);
                List<DeviceRef> refs = new ArrayList<>();
                for (int d = 0; d < DEVICES; d++) {
                    refs.add(devices.create("bench-" + d, "bench", 1_000, java.util.Map.of(), "hash", 0));
                }
                LoggedReadingStore readings = new LoggedReadingStore(database, LoggedReadingStore.Settings.of(config),
                        Clock.systemUTC());
                readings.start();
                long raw = 0;
                long flushNanos = 0;
                // 20 flushes of 50 readings per device: the shape of a second of 50,000 readings/s
                for (int flush = 0; flush < 20; flush++) {
                    for (int seq = 1; seq <= 50; seq++) {
                        List<ReadingStore.Write> writes = new ArrayList<>(DEVICES);
                        for (DeviceRef ref : refs) {
                            Reading reading = new Reading(flush * 50L + seq, 1_700_000_000_000L + flush * 50L + seq,
                                    Map.of("temperature", 20.0 + seq / 10.0));
                            raw += 8 + 8 + 8 + "{\"temperature\":20.0}".length();
                            writes.add(new ReadingStore.Write(ref, List.of(reading), List.of()));
                        }
                        readings.write(writes);
                    }
                    long started = System.nanoTime();
                    readings.flush();
                    flushNanos += System.nanoTime() - started;
                }
                readings.close();
                perReading[run] = flushNanos / (20.0 * 50 * DEVICES);
                rawBytes[run] = raw;
            }
            h2Bytes[run] = bytes(store);
            try (Connection connection = DriverManager.getConnection(config.url(), "", "")) {
                connection.createStatement().execute("SHUTDOWN COMPACT");
            }
            compactedBytes[run] = bytes(store);
        }
        print("tables: " + micros(median(perReading)) + " us a reading, flushed 50 readings a device at a time");
        print("bytes on disk after " + (20 * 50 * DEVICES) + " readings: " + median(h2Bytes) / 1024 / 1024
                + " MB for " + median(rawBytes) / 1024 / 1024 + " MB of readings (seq, ts, stored-at, metrics JSON); "
                + median(compactedBytes) / 1024 / 1024 + " MB after SHUTDOWN COMPACT");
    }

    private static double readingLog(Path logDir, ReadingLog.Sync sync) {
        try (ReadingLog log = ReadingLog.open(logDir, sync, 64L << 20, 0, (p, e) -> { })) {
            List<byte[]> commit = entries();
            long started = System.nanoTime();
            for (int i = 0; i < COMMITS; i++) {
                log.append(commit);
            }
            return (System.nanoTime() - started) / (double) COMMITS;
        }
    }

    private static double mvStore(Path file, ReadingLog.Sync sync) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        try {
            MVMap<Long, byte[]> map = store.openMap("log");
            List<byte[]> commit = entries();
            long key = 0;
            long started = System.nanoTime();
            for (int i = 0; i < COMMITS; i++) {
                for (byte[] entry : commit) {
                    map.put(key++, entry);
                }
                store.commit();
                if (sync == ReadingLog.Sync.FSYNC) {
                    store.sync();
                }
            }
            return (System.nanoTime() - started) / (double) COMMITS;
        } finally {
            store.close();
        }
    }

    private static List<byte[]> entries() {
        List<byte[]> entries = new ArrayList<>(PER_COMMIT);
        for (int d = 0; d < PER_COMMIT; d++) {
            Reading reading = new Reading(d, 1_700_000_000_000L, Map.of("temperature", 21.5));
            entries.add(LogEntry.encode(new LogEntry.Stored(d, new ReadingStore.StoredReading(d, reading, 0))));
        }
        return entries;
    }

    private static long bytes(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static String micros(double nanos) {
        return String.format("%.1f", nanos / 1_000);
    }

    private static void print(String line) {
        System.out.println("Store benchmark: " + line);
    }
}
