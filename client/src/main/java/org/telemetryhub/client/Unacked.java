package org.telemetryhub.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.telemetryhub.protocol.Reading;

/**
 * The readings a device sent and the hub has not judged yet, by seq, each with the verdict its sender waits for and
 * whether it is on the wire now. Used on the device's own thread only.
 */
final class Unacked {

    private static final class Entry {
        final Reading reading;
        final CompletableFuture<Verdict> verdict = new CompletableFuture<>();
        boolean onTheWire;

        Entry(Reading reading) {
            this.reading = reading;
        }
    }

    private final TreeMap<Long, Entry> bySeq = new TreeMap<>();

    /**
     * Keeps a reading until its verdict; a resend of one still kept shares its verdict. Fails when another reading
     * with the same seq is kept: the hub would answer it {@code seq_conflict}, and the two verdicts could not be told
     * apart.
     */
    CompletableFuture<Verdict> keep(Reading reading) {
        Entry kept = bySeq.get(reading.seq());
        if (kept != null) {
            if (!kept.reading.sameContentAs(reading)) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("reading.seq " + reading.seq()
                        + " must be unique among the readings waiting for a verdict, but another with other content "
                        + "waits"));
            }
            return kept.verdict;
        }
        Entry entry = new Entry(reading);
        bySeq.put(reading.seq(), entry);
        return entry.verdict;
    }

    /** Up to {@code max} readings that wait off the wire, lowest seq first, now marked on the wire. */
    List<Reading> takeWaiting(Collection<Long> among, int max) {
        List<Reading> taken = new ArrayList<>();
        for (Long seq : among) {
            Entry entry = bySeq.get(seq);
            if (entry != null && !entry.onTheWire && taken.size() < max) {
                entry.onTheWire = true;
                taken.add(entry.reading);
            }
        }
        return taken;
    }

    /** Every seq kept, in order. */
    List<Long> seqs() {
        return List.copyOf(bySeq.keySet());
    }

    /** The verdict came: the reading is forgotten and its sender told. */
    void settle(Verdict verdict) {
        Entry entry = bySeq.remove(verdict.seq());
        if (entry != null) {
            entry.verdict.complete(verdict);
        }
    }

    /** These readings are off the wire again (their frame was refused or lost) and wait for a resend. */
    void offTheWire(Collection<Long> seqs) {
        seqs.forEach(seq -> {
            Entry entry = bySeq.get(seq);
            if (entry != null) {
                entry.onTheWire = false;
            }
        });
    }

    void allOffTheWire() {
        bySeq.values().forEach(e -> e.onTheWire = false);
    }

    /** No verdict will come: every sender hears {@code failure}. */
    void failAll(Throwable failure) {
        bySeq.values().forEach(e -> e.verdict.completeExceptionally(failure));
        bySeq.clear();
    }

    int size() {
        return bySeq.size();
    }
}
