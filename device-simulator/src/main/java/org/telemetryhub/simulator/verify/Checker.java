package org.telemetryhub.simulator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.telemetryhub.simulator.client.HubApi;
import org.telemetryhub.simulator.device.DeviceReading;
import org.telemetryhub.simulator.device.SimDevice;

/**
 * The end-to-end check after a run: pages through every device's stored readings by offset and holds them against
 * what the device made, what the hub acked and rejected, and what the dashboard and SSE observers were handed.
 */
public final class Checker {

    static final int PROBLEM_SAMPLE = 20;
    private static final int PAGE = 5_000;
    private static final long OBSERVER_CATCH_UP_MS = 10_000;

    private final HubApi api;
    private final Observers observers;
    private final List<String> problems = new ArrayList<>();
    private long problemCount;

    public Checker(HubApi api, Observers observers) {
        this.api = api;
        this.observers = observers;
    }

    /** Checks every device; {@code transports} gives the rows' order. */
    public VerifyReport check(List<SimDevice> devices, List<String> transports) throws InterruptedException {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        transports.forEach(t -> tallies.put(t, new Tally(t)));
        Map<SimDevice, Set<Long>> storedOffsets = new LinkedHashMap<>();
        for (SimDevice device : devices) {
            storedOffsets.put(device, checkStore(device, tallies.get(device.transport())));
        }
        awaitObservers(storedOffsets);
        for (Map.Entry<SimDevice, Set<Long>> entry : storedOffsets.entrySet()) {
            checkObservers(entry.getKey(), entry.getValue(), tallies.get(entry.getKey().transport()));
        }
        if (problemCount > problems.size()) {
            problems.add("... and " + (problemCount - problems.size()) + " more");
        }
        return new VerifyReport(tallies.values().stream().map(Tally::row).toList(), List.copyOf(problems));
    }

    /** The device's readings in the store against its ledger; returns the offsets stored. */
    private Set<Long> checkStore(SimDevice device, Tally tally) {
        String id = device.id();
        NavigableMap<Long, DeviceReading> made = device.ledger().made();
        Set<Long> acked = device.ledger().acked();
        Map<Long, String> rejected = device.ledger().rejected();
        long firstSeq = device.firstSeq();

        Map<Long, HubApi.StoredReading> stored = new HashMap<>();
        Map<String, Long> seqOfPayload = new HashMap<>();
        Set<Long> offsets = new HashSet<>();
        for (HubApi.StoredReading reading : allStored(id)) {
            offsets.add(reading.offset());
            if (firstSeq == 0 || reading.seq() < firstSeq) {
                continue; // stored before this run
            }
            if (stored.putIfAbsent(reading.seq(), reading) != null) {
                tally.duplicated++;
                problem(id + " seq " + reading.seq() + ": stored twice (offset " + reading.offset() + " too)");
                continue;
            }
            Long other = seqOfPayload.putIfAbsent(payload(reading.ts(), reading.metrics()), reading.seq());
            if (other != null) {
                tally.duplicated++;
                problem(id + ": one payload stored under seqs " + other + " and " + reading.seq());
            }
            if (!made.containsKey(reading.seq())) {
                tally.lost++;
                problem(id + " seq " + reading.seq() + ": stored, but the device never made it");
            }
        }
        tally.devices++;
        tally.sent += made.size();
        tally.acked += acked.size();
        tally.stored += stored.size();
        for (DeviceReading reading : made.values()) {
            long seq = reading.seq();
            HubApi.StoredReading found = stored.get(seq);
            String verdict = rejected.get(seq);
            if (acked.contains(seq) && found == null) {
                tally.lost++;
                problem(id + " seq " + seq + ": acked, but not stored");
            } else if (found != null && !sameContent(reading, found)) {
                tally.lost++;
                problem(id + " seq " + seq + ": stored with other content " + found.metrics() + " at ts "
                        + found.ts());
            }
            if (!reading.valid()) {
                tally.invalid++;
            }
            if (!acked.contains(seq) && verdict == null) {
                tally.unacked++;
                problem(id + " seq " + seq + ": neither acked nor rejected after the drain");
            } else if (reading.valid() && verdict != null) {
                tally.misjudged++;
                problem(id + " seq " + seq + ": a valid reading was rejected with " + verdict);
            } else if (!reading.valid() && reading.expectedError().equals(verdict) && found == null) {
                tally.rejectedAsExpected++;
            } else if (!reading.valid()) {
                tally.misjudged++;
                problem(id + " seq " + seq + ": an invalid reading (expected " + reading.expectedError() + ") was "
                        + (verdict == null ? "acked" : "rejected with " + verdict)
                        + (found == null ? "" : " and stored"));
            }
        }
        return offsets;
    }

    private List<HubApi.StoredReading> allStored(String deviceId) {
        List<HubApi.StoredReading> all = new ArrayList<>();
        long after = 0;
        while (true) {
            List<HubApi.StoredReading> page = api.readingsAfter(deviceId, after, PAGE);
            all.addAll(page);
            if (page.size() < PAGE) {
                return all;
            }
            after = page.get(page.size() - 1).offset();
        }
    }

    private void awaitObservers(Map<SimDevice, Set<Long>> storedOffsets) throws InterruptedException {
        if (observers == null) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OBSERVER_CATCH_UP_MS);
        while (System.nanoTime() < deadline && !observersCaughtUp(storedOffsets)) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private boolean observersCaughtUp(Map<SimDevice, Set<Long>> storedOffsets) {
        for (Map.Entry<SimDevice, Set<Long>> entry : storedOffsets.entrySet()) {
            String id = entry.getKey().id();
            if (observers.observes(id) && (observers.dashboard(id).missing(entry.getValue()) > 0
                    || observers.stream(id).missing(entry.getValue()) > 0)) {
                return false;
            }
        }
        return true;
    }

    private void checkObservers(SimDevice device, Set<Long> offsets, Tally tally) {
        String id = device.id();
        if (observers == null || !observers.observes(id)) {
            return;
        }
        tally.observed++;
        Map<String, Deliveries> kinds = Map.of("dashboard", observers.dashboard(id), "SSE stream",
                observers.stream(id));
        kinds.forEach((kind, deliveries) -> {
            long duplicates = deliveries.duplicates();
            long missing = deliveries.missing(offsets);
            tally.duplicated += duplicates;
            tally.streamGaps += missing;
            if (duplicates > 0) {
                problem(id + ": the " + kind + " was handed " + duplicates + " readings twice");
            }
            if (missing > 0) {
                problem(id + ": the " + kind + " never got " + missing + " of the " + offsets.size()
                        + " stored readings");
            }
        });
    }

    private static boolean sameContent(DeviceReading made, HubApi.StoredReading stored) {
        if (made.ts() != stored.ts() || made.metrics().size() != stored.metrics().size()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = stored.metrics().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> metric = it.next();
            Object value = made.metrics().get(metric.getKey());
            if (!(value instanceof Number number) || number.doubleValue() != metric.getValue().asDouble()) {
                return false;
            }
        }
        return true;
    }

    private static String payload(long ts, JsonNode metrics) {
        Map<String, Double> sorted = new TreeMap<>();
        metrics.fields().forEachRemaining(m -> sorted.put(m.getKey(), m.getValue().asDouble()));
        return ts + " " + sorted;
    }

    private void problem(String sentence) {
        problemCount++;
        if (problems.size() < PROBLEM_SAMPLE) {
            problems.add(sentence);
        }
    }

    /** Running sums for one transport's row. */
    private static final class Tally {
        final String transport;
        int devices;
        int observed;
        long sent;
        long acked;
        long stored;
        long lost;
        long duplicated;
        long invalid;
        long rejectedAsExpected;
        long unacked;
        long misjudged;
        long streamGaps;

        Tally(String transport) {
            this.transport = transport;
        }

        VerifyReport.Row row() {
            return new VerifyReport.Row(transport, devices, observed, sent, acked, stored, lost, duplicated, invalid,
                    rejectedAsExpected, unacked, misjudged, streamGaps);
        }
    }
}
