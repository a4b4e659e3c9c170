package org.telemetryhub.hub.store;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one commit does to a device's set of rejected seqs (seqs refused for their content and never stored): the
 * seqs it adds, the seqs it removes because it stores them now, and from these how many members lie at or below the
 * device's highest stored seq afterwards. Both reading stores decide the same way here and differ only in how they
 * look the set up as it was before the commit.
 */
final class RejectedSeqs {

    /** The set as it was before this commit. */
    interface Lookup {
        boolean contains(long seq);

        /** How many members lie in {@code (after, upTo]}. */
        long countBetween(long after, long upTo);
    }

    private final Lookup lookup;
    private final long countBefore;
    private final long maxBefore;
    private TreeMap<Long, String> added;
    private TreeSet<Long> removed;

    /**
     * @param countBefore members at or below the highest stored seq before the commit
     * @param maxBefore the highest seq ever put in the set (0 for none): no higher seq needs a look-up
     */
    RejectedSeqs(Lookup lookup, long countBefore, long maxBefore) {
        this.lookup = lookup;
        this.countBefore = countBefore;
        this.maxBefore = maxBefore;
    }

    /** The commit stores this seq for the first time. */
    void stored(long seq) {
        if (added != null && added.remove(seq) != null) {
            return;
        }
        if (seq <= maxBefore && lookup.contains(seq)) {
            if (removed == null) {
                removed = new TreeSet<>();
            }
            removed.add(seq);
        }
    }

    /** The commit refuses this seq for its content; the caller has checked that it is not stored. */
    void rejected(long seq, String code) {
        boolean member = (added != null && added.containsKey(seq)) || (seq <= maxBefore && lookup.contains(seq));
        if (!member) {
            if (added == null) {
                added = new TreeMap<>();
            }
            added.put(seq, code);
        }
    }

    boolean changesSet() {
        return (added != null && !added.isEmpty()) || (removed != null && !removed.isEmpty());
    }

    Map<Long, String> added() {
        return added == null ? Map.of() : added;
    }

    Set<Long> removed() {
        return removed == null ? Set.of() : removed;
    }

    /** The highest seq ever in the set, after the commit. */
    long max() {
        return added == null || added.isEmpty() ? maxBefore : Math.max(maxBefore, added.lastKey());
    }

    /**
     * Members at or below the highest stored seq after the commit, which moved it from {@code maxSeqBefore} to
     * {@code maxSeqAfter}: members the move passes count now, removed ones (all stored, so below it) no longer do.
     */
    long count(long maxSeqBefore, long maxSeqAfter) {
        long count = countBefore - removed().size();
        if (added != null) {
            count += added.headMap(maxSeqAfter, true).size();
        }
        if (maxBefore > maxSeqBefore && maxSeqAfter > maxSeqBefore) {
            count += lookup.countBetween(maxSeqBefore, Math.min(maxSeqAfter, maxBefore));
        }
        return count;
    }
}
