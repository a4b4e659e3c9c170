package org.telemetryhub.hub.durability;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.support.Api;
import org.telemetryhub.hub.support.HubProcess;
import org.telemetryhub.hub.support.StoreFile;
import org.telemetryhub.protocol.Reading;

/**
 * The crash drill: a hub in its own process, devices streaming small batches over WebSocket, {@code kill -9} while acks
 * are flowing, restart on the same store, reconnect with fresh tickets and resend whatever was not acked; at the end
 * every reading acked, a clean stop, and the H2 file read directly to find what an acked reading became. The durable
 * test and its negative control run this same drill and differ only in the hub's settings.
 */
final class CrashHarness {

    /** What a drill needs acks to look like before it may kill: the contract's "100 acks in the 200 ms before". */
    static final int MIN_ACKS_IN_WINDOW = 100;
    static final long WINDOW_MS = 200;

    private static final Duration FLOW_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final TypeReference<Map<String, Double>> METRICS = new TypeReference<>() {};

    /**
     * One drill: {@code hubSettings} are config keys given to the hub (as HUB_* variables); before each of the
     * {@code kills} kills, at least {@code minAckedPerRun} readings must have been acked since that hub started.
     */
    record Plan(String name, Map<String, String> hubSettings, int devices, int batchSize, int window, int kills,
                int minAckedPerRun) {

        static Plan of(String name, Map<String, String> hubSettings) {
            return new Plan(name, hubSettings, 8, 5, 8, 2, 3_000);
        }
    }

    /**
     * One kill: the ack messages (and the readings they acked) that arrived in the {@link #WINDOW_MS} before it, and
     * how many readings were acked in total by then.
     */
    record Kill(int number, long pid, int acksInWindow, int readingsInWindow, int readingsAckedBefore,
                long afterMs) {

        boolean whileAcksFlowed() {
            return acksInWindow >= MIN_ACKS_IN_WINDOW;
        }
    }

    /**
     * What the drill found. {@code lost}: acked readings missing from the store or stored with other content.
     * {@code problems}: damage to the log itself (a seq or a payload stored twice, offsets not exactly 1..N, a stored
     * reading no device made, device cursors that disagree with the rows). {@code anomalies}: anything a device got
     * other than an ack for a frame in flight.
     */
    record Report(String name, List<Kill> kills, int readingsMade, int readingsAcked, long readingsResent,
                  int rowsStored, List<String> lost, List<String> problems, List<String> anomalies, List<Long> startsMs,
                  long tookMs, Path log) {

        String summary() {
            StringBuilder text = new StringBuilder("crash drill '" + name + "' in " + tookMs + " ms: "
                    + readingsMade + " readings made, " + readingsAcked + " acked, " + readingsResent
                    + " resent, " + rowsStored + " rows stored, " + lost.size() + " acked readings lost, "
                    + problems.size() + " problems, " + anomalies.size() + " anomalies; hub healthy after " + startsMs
                    + " ms; hub output in "
                    + log.toAbsolutePath().normalize());
            kills.forEach(k -> text.append("\n  kill ").append(k.number()).append(" (pid ").append(k.pid())
                    .append(") at ").append(k.afterMs()).append(" ms: ").append(k.acksInWindow())
                    .append(" ack messages (").append(k.readingsInWindow()).append(" readings) in the last ")
                    .append(WINDOW_MS).append(" ms, ").append(k.readingsAckedBefore())
                    .append(" readings acked by then"));
            appendSample(text, "lost", lost);
            appendSample(text, "problem", problems);
            appendSample(text, "anomaly", anomalies);
            return text.toString();
        }

        private static void appendSample(StringBuilder text, String what, List<String> items) {
            items.stream().limit(10).forEach(item -> text.append("\n  ").append(what).append(": ").append(item));
            if (items.size() > 10) {
                text.append("\n  … and ").append(items.size() - 10).append(" more");
            }
        }
    }

    private CrashHarness() {}

    static Report run(Plan plan, Path storeDir) {
        long started = System.nanoTime();
        Path log = Path.of("target", "crash-test", plan.name() + ".log");
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AckMeter meter = new AckMeter();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CrashDevice> devices = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        List<Kill> kills = new ArrayList<>();
        List<Long> startsMs = new ArrayList<>();
        long starting = System.nanoTime();
        try (HubProcess hub = HubProcess.start(storeDir, plan.hubSettings(), log)) {
            startsMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting));
            Api admin = hub.admin();
            for (int i = 1; i <= plan.devices(); i++) {
                CrashDevice device = new CrashDevice(admin.provision("crash-" + i), i, plan.batchSize(),
                        plan.window(), meter);
                devices.add(device);
                Thread sender = new Thread(device, "crash-device-" + i);
                sender.setDaemon(true);
                sender.start();
                senders.add(sender);
            }
            // A clean restart puts the devices on disk, so that a hub which delays its writes (the control) can
            // lose only readings to the kills, not the devices themselves.
            hub.stop();
            starting = System.nanoTime();
            hub.start();
            startsMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting));
            for (int number = 1; number <= plan.kills(); number++) {
                connectAll(hub, devices, http);
                int ackedAtStart = acked(devices);
                awaitCondition("acks flowing before kill " + number, FLOW_TIMEOUT, hub, devices,
                        () -> acked(devices) - ackedAtStart >= plan.minAckedPerRun()
                                && meter.before(System.nanoTime(), WINDOW_MS).acks() >= MIN_ACKS_IN_WINDOW);
                long at = System.nanoTime();
                long pid = hub.pid();
                hub.kill();
                AckMeter.Window window = meter.before(at, WINDOW_MS);
                kills.add(new Kill(number, pid, window.acks(), window.readings(), acked(devices),
                        TimeUnit.NANOSECONDS.toMillis(at - started)));
                starting = System.nanoTime();
                hub.start();
                startsMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - starting));
            }
            connectAll(hub, devices, http);
            devices.forEach(CrashDevice::stopMaking);
            awaitCondition("every reading acked", DRAIN_TIMEOUT, hub, devices,
                    () -> devices.stream().allMatch(CrashDevice::allAcked));
            devices.forEach(CrashDevice::close);
            hub.stop();
        } finally {
            devices.forEach(CrashDevice::close);
            for (Thread sender : senders) {
                try {
                    sender.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        return inspect(plan, storeDir, devices, kills, startsMs, tookMs, log);
    }

    private static void connectAll(HubProcess hub, List<CrashDevice> devices, HttpClient http) {
        Api admin = hub.admin();
        for (CrashDevice device : devices) {
            try {
                device.connect(http, hub.deviceSocket(), admin.ticket(device.credentials));
            } catch (Exception e) {
                throw new IllegalStateException(device.credentials.id() + " could not connect; see "
                        + hub.log().toAbsolutePath(), e);
            }
        }
    }

    private static int acked(List<CrashDevice> devices) {
        return devices.stream().mapToInt(CrashDevice::ackedCount).sum();
    }

    private static void awaitCondition(String what, Duration timeout, HubProcess hub, List<CrashDevice> devices,
                                       Callable<Boolean> condition) {
        try {
            // Polled on the calling thread, so a kill follows the check that allowed it at once.
            await(what).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + what + " within " + timeout + ":\n  "
                    + devices.stream().map(CrashDevice::progress).collect(Collectors.joining("\n  "))
                    + "\n  anomalies: " + devices.stream().flatMap(d -> d.anomalies().stream()).limit(10).toList()
                    + "\n  hub output: " + hub.log().toAbsolutePath().normalize(), e);
        }
    }

    /** Opens the hub's store directly and checks every row. */
    private static Report inspect(Plan plan, Path storeDir, List<CrashDevice> devices, List<Kill> kills,
                                  List<Long> startsMs, long tookMs, Path log) {
        List<String> lost = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<String> anomalies = new ArrayList<>();
        int made = 0;
        int acked = 0;
        long resent = 0;
        int rows = 0;
        String url = plan.hubSettings().getOrDefault("store.url", "");
        try (Connection db = open(url, storeDir)) {
            for (CrashDevice device : devices) {
                String id = device.credentials.id();
                NavigableMap<Long, Reading> sent = device.made();
                Set<Long> ackedSeqs = device.acked();
                made += sent.size();
                acked += ackedSeqs.size();
                resent += device.resent();
                device.anomalies().forEach(a -> anomalies.add(id + ": " + a));

                long[] cursor = cursor(db, id);
                if (cursor == null) {
                    problems.add(id + ": no active device row");
                    continue;
                }
                Map<Long, Reading> stored = new HashMap<>();
                Map<Reading, Long> seqOfContent = new HashMap<>();
                long expectedOffset = 1;
                for (ReadingStore.StoredReading row : readings(db, cursor[0])) {
                    rows++;
                    long offset = row.offset();
                    Reading reading = row.reading();
                    long seq = reading.seq();
                    if (offset != expectedOffset) {
                        problems.add(id + ": offset " + offset + " where " + expectedOffset + " was due");
                    }
                    expectedOffset = offset + 1;
                    if (stored.put(seq, reading) != null) {
                        problems.add(id + ": seq " + seq + " stored twice");
                    }
                    Reading content = new Reading(0, reading.ts(), reading.metrics());
                    Long other = seqOfContent.put(content, seq);
                    if (other != null) {
                        problems.add(id + ": one payload stored under seqs " + other + " and " + seq);
                    }
                    Reading original = sent.get(seq);
                    if (original == null) {
                        problems.add(id + ": seq " + seq + " stored, but the device never made it");
                    } else if (!original.sameContentAs(reading) && !ackedSeqs.contains(seq)) {
                        problems.add(id + ": seq " + seq + " stored with content the device never sent");
                    }
                }
                long count = stored.size();
                long maxSeq = stored.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
                if (cursor[1] != count || cursor[2] != maxSeq || cursor[3] != count) {
                    problems.add(id + ": cursor (last_offset " + cursor[1] + ", max_seq " + cursor[2]
                            + ", stored_count " + cursor[3] + ") disagrees with its " + count + " rows (max seq "
                            + maxSeq + ")");
                }
                for (long seq : new TreeSet<>(ackedSeqs)) {
                    Reading reading = stored.get(seq);
                    if (reading == null) {
                        lost.add(id + " seq " + seq + ": acked, not stored");
                    } else if (!reading.sameContentAs(sent.get(seq))) {
                        lost.add(id + " seq " + seq + ": acked, stored with other content " + reading);
                    }
                }
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot read the hub's store at " + url, e);
        }
        return new Report(plan.name(), List.copyOf(kills), made, acked, resent, rows, lost, problems, anomalies,
                List.copyOf(startsMs), tookMs, log);
    }

    /**
     * The store the hub used: a PostgreSQL URL as it is (it names its user), otherwise the hub's H2 file, opened as
     * the hub opens it (no user, so H2's default "" / "").
     */
    private static Connection open(String storeUrl, Path storeDir) throws SQLException {
        if (storeUrl.startsWith("jdbc:postgresql:")) {
            return DriverManager.getConnection(storeUrl);
        }
        return DriverManager.getConnection("jdbc:h2:file:" + storeDir.toAbsolutePath().normalize().resolve("hub")
                + ";IFEXISTS=TRUE", "", "");
    }

    /** A device's readings in offset order: a row each on PostgreSQL, blocks of them on H2. */
    private static List<ReadingStore.StoredReading> readings(Connection db, long deviceKey)
            throws SQLException, IOException {
        if ("H2".equals(db.getMetaData().getDatabaseProductName())) {
            return StoreFile.readings(db, deviceKey);
        }
        List<ReadingStore.StoredReading> readings = new ArrayList<>();
        try (PreparedStatement query = db.prepareStatement("SELECT offset_no, seq, ts, metrics, stored_at "
                + "FROM readings WHERE device_key = ? ORDER BY offset_no")) {
            query.setLong(1, deviceKey);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    Reading reading = new Reading(rs.getLong(2), rs.getLong(3),
                            Api.JSON.readValue(rs.getString(4), METRICS));
                    readings.add(new ReadingStore.StoredReading(rs.getLong(1), reading, rs.getLong(5)));
                }
            }
        }
        return readings;
    }

    /** device_key, last_offset, max_seq, stored_count of the active device with this id, or null. */
    private static long[] cursor(Connection db, String deviceId) throws SQLException {
        try (PreparedStatement query = db.prepareStatement("SELECT d.device_key, c.last_offset, c.max_seq, "
                + "c.stored_count FROM devices d JOIN device_cursors c ON c.device_key = d.device_key "
                + "WHERE d.active_id = ?")) {
            query.setString(1, deviceId);
            try (ResultSet rs = query.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)} : null;
            }
        }
    }
}
