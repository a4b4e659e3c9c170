package org.telemetryhub.hub.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.PostgresSchema;

/**
 * A hub in its own process is killed with SIGKILL twice while acks are flowing, restarted on its store, and the
 * devices resend what was not acked: every acked reading must be in the store afterwards, once, with its content, and
 * each device's offsets must run 1..N without a gap, on the H2 store and on PostgreSQL. On H2 the reading log is the
 * ack point: one drill keeps every acked reading out of the tables until after the kills, so all of them come back
 * from the log alone. The control runs the same drill against a hub that acks before its log is written
 * ({@code store.sync: none}) and whose H2 file delays its writes, and must see acked readings vanish: proof that the
 * drill can fail.
 */
class CrashTest {

    private static final Map<String, String> FAST_DEVICES = Map.of(
            "limits.deviceReadingsPerSecond", "1000000",
            "limits.deviceBurst", "1000000");

    @TempDir
    Path store;

    @Test
    void every_acked_reading_survives_kill_minus_nine() {
        CrashHarness.Report report = CrashHarness.run(CrashHarness.Plan.of("durable", FAST_DEVICES), store);
        System.out.println(report.summary());

        assertKilledTwiceWhileAcksFlowed(report);
        assertEveryReadingStoredOnce(report);
    }

    @Test
    void acked_readings_that_only_the_log_held_come_back_once_after_kill_minus_nine() {
        Map<String, String> settings = new HashMap<>(FAST_DEVICES);
        settings.put("store.flushIntervalMs", "3600000");
        settings.put("store.flushReadings", "1000000");

        CrashHarness.Report report = CrashHarness.run(CrashHarness.Plan.of("log-only", settings), store);
        System.out.println(report.summary());

        assertKilledTwiceWhileAcksFlowed(report);
        assertEveryReadingStoredOnce(report);
        List<String> replays = HubProcess.linesOfHealthyStarts(report.log(), "event=reading_log_replayed");
        assertEquals(2, replays.size(), "each restart after a kill must find the acked readings in the log alone: "
                + replays);
    }

    @Test
    void every_acked_reading_survives_kill_minus_nine_on_a_postgresql_store() {
        Optional<PostgresSchema> schema = PostgresSchema.create();
        assumeTrue(schema.isPresent(), "no PostgreSQL server: set " + PostgresSchema.URL_VARIABLE);
        try (PostgresSchema postgres = schema.get()) {
            Map<String, String> settings = new HashMap<>(FAST_DEVICES);
            settings.put("store.url", postgres.storeUrl());
            CrashHarness.Report report = CrashHarness.run(CrashHarness.Plan.of("durable-postgresql", settings), store);
            System.out.println(report.summary());

            assertKilledTwiceWhileAcksFlowed(report);
            assertEveryReadingStoredOnce(report);
        }
    }

    @Test
    void control_hub_with_write_delay_loses_acked_readings() {
        Map<String, String> settings = new HashMap<>(FAST_DEVICES);
        settings.put("store.url", "jdbc:h2:file:" + store.toAbsolutePath().normalize().resolve("hub"));
        settings.put("store.sync", "none");
        CrashHarness.Report report = CrashHarness.run(CrashHarness.Plan.of("write-delay-control", settings), store);
        System.out.println(report.summary());

        assertKilledTwiceWhileAcksFlowed(report);
        assertTrue(report.lost().size() > 0, "the drill must catch a hub that acks before its data is on disk: "
                + report.summary());
    }

    /** Nothing acked went missing, nothing is stored twice, and in the end every reading made was acked and stored. */
    private static void assertEveryReadingStoredOnce(CrashHarness.Report report) {
        assertEquals(List.of(), report.anomalies(), report.summary());
        assertEquals(List.of(), report.lost(), report.summary());
        assertEquals(List.of(), report.problems(), report.summary());
        assertEquals(report.readingsMade(), report.readingsAcked(), report.summary());
        assertEquals(report.readingsMade(), report.rowsStored(), report.summary());
    }

    private static void assertKilledTwiceWhileAcksFlowed(CrashHarness.Report report) {
        assertEquals(2, report.kills().size(), report.summary());
        report.kills().forEach(kill -> assertTrue(kill.whileAcksFlowed(), "kill " + kill.number() + " came with "
                + kill.acksInWindow() + " ack messages in the " + CrashHarness.WINDOW_MS + " ms before it, fewer than "
                + CrashHarness.MIN_ACKS_IN_WINDOW + ": " + report.summary()));
    }
}
