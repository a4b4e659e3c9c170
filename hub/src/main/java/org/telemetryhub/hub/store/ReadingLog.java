package org.telemetryhub.hub.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.telemetryhub.hub.core.StoreException;

/**
 * The append-only log that is the H2 store's ack point: each group commit is one {@code write} of its entries (and,
 * with {@link Sync#FSYNC}, one fsync), so a commit costs about the bytes it appends, however many devices it holds.
 * Positions are global byte positions that only grow: the log is a row of segment files, each named by the position
 * of its first byte, and segments wholly below the tables' checkpoint are deleted. Each entry is framed as
 * {@code [length][CRC32C][payload]}; replay stops at the first torn or damaged frame, which can only be the tail of
 * the last segment after a kill (the frames before it were written whole). The writer appends; the table flush
 * writes delayed entries and trims.
 */
public final class ReadingLog implements AutoCloseable {

    /** When an appended commit counts as written, and so may be acked. */
    public enum Sync {
        /** After {@code write} returned: the bytes are the kernel's, so they survive {@code kill -9} of the hub. */
        WRITE,
        /** After {@code fsync}: they survive a power cut too. */
        FSYNC,
        /**
         * Before anything is written: entries wait in memory until the tables take them. A killed hub loses acked
         * readings; this exists so that the crash drills can show they catch such a hub.
         */
        NONE
    }

    /** Hears each whole entry found past the checkpoint at start, with the log position just after it. */
    @FunctionalInterface
    public interface Replay {
        void entry(byte[] payload, long end);
    }

    private static final int HEADER = 8;
    private static final int MAX_ENTRY = 1 << 20;
    private static final String SUFFIX = ".log";

    private final Path dir;
    private final Sync sync;
    private final long segmentBytes;
    private final TreeMap<Long, Path> segments = new TreeMap<>();
    /** With {@link Sync#NONE}: appended entries not written yet. */
    private final List<ByteBuffer> pending = new ArrayList<>();
    private FileChannel current;
    private long currentBase;
    private long position;
    /** The highest checkpoint the log was trimmed to: when it reaches the end, a clean close leaves no segment. */
    private long trimmedTo;

    private ReadingLog(Path dir, Sync sync, long segmentBytes) {
        this.dir = dir;
        this.sync = sync;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the log in {@code dir}, hands every whole entry at or after {@code checkpoint} to {@code replay} in log
     * order, cuts off a torn tail, and leaves the log ready to append after the last whole entry.
     */
    public static ReadingLog open(Path dir, Sync sync, long segmentBytes, long checkpoint, Replay replay) {
        ReadingLog log = new ReadingLog(dir, sync, segmentBytes);
        try {
            Files.createDirectories(dir);
            log.recover(checkpoint, replay);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the reading log in " + dir, e);
        }
        return log;
    }

    private void recover(long checkpoint, Replay replay) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .forEach(f -> segments.put(base(f), f));
        }
        position = checkpoint;
        long end = checkpoint;
        for (var entry : new ArrayList<>(segments.entrySet())) {
            long base = entry.getKey();
            Long next = segments.higherKey(base);
            if (next != null && next <= checkpoint) {
                continue; // wholly before the checkpoint: the tables hold all of it
            }
            long whole = replaySegment(entry.getValue(), base, Math.max(checkpoint, base), replay);
            end = Math.max(end, base + whole);
            if (whole < Files.size(entry.getValue())) {
                try (FileChannel torn = FileChannel.open(entry.getValue(), StandardOpenOption.WRITE)) {
                    torn.truncate(whole);
                }
                // nothing after a torn frame was acked: later segments cannot exist, but never read past one
                for (Path later : segments.tailMap(base, false).values()) {
                    Files.delete(later);
                }
                segments.tailMap(base, false).clear();
                break;
            }
        }
        position = end;
        startSegment(position);
    }

    /** Replays the whole frames of one segment from {@code from}; returns how many bytes of it are whole. */
    private static long replaySegment(Path file, long base, long from, Replay replay) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            long at = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (at + HEADER <= size) {
                header.clear();
                channel.read(header, at);
                int length = header.getInt(0);
                int crc = header.getInt(4);
                if (length <= 0 || length > MAX_ENTRY || at + HEADER + length > size) {
                    return at;
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                channel.read(payload, at + HEADER);
                if (crc(payload.array()) != crc) {
                    return at;
                }
                at += HEADER + length;
                if (base + at - HEADER - length >= from) {
                    replay.entry(payload.array(), base + at);
                }
            }
            return at;
        }
    }

    /** Appends the entries as one write; when this returns, they are as durable as {@link Sync} says. */
    public synchronized long append(List<byte[]> entries) {
        int bytes = 0;
        for (byte[] entry : entries) {
            bytes += HEADER + entry.length;
        }
        ByteBuffer buffer = ByteBuffer.allocate(bytes);
        for (byte[] entry : entries) {
            buffer.putInt(entry.length).putInt(crc(entry)).put(entry);
        }
        buffer.flip();
        try {
            if (position - currentBase >= segmentBytes) {
                writePending();
                current.close();
                startSegment(position);
            }
            if (sync == Sync.NONE) {
                pending.add(buffer);
            } else {
                writeFully(buffer);
                if (sync == Sync.FSYNC) {
                    current.force(false);
                }
            }
        } catch (IOException e) {
            throw new StoreException("append to the reading log", e);
        }
        position += bytes;
        return position;
    }

    /** With {@link Sync#NONE}: writes what waited in memory (the tables are about to take it). */
    public synchronized void writeDelayed() {
        try {
            writePending();
        } catch (IOException e) {
            throw new StoreException("append to the reading log", e);
        }
    }

    private void writePending() throws IOException {
        for (ByteBuffer buffer : pending) {
            writeFully(buffer);
        }
        pending.clear();
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            current.write(buffer);
        }
    }

    /** The position after the last appended entry. */
    public synchronized long position() {
        return position;
    }

    /** Deletes the segments that end at or before {@code checkpoint}: the tables hold everything in them. */
    public synchronized void trim(long checkpoint) {
        trimmedTo = Math.max(trimmedTo, checkpoint);
        try {
            while (segments.size() > 1) {
                var first = segments.firstEntry();
                Long next = segments.higherKey(first.getKey());
                if (next > checkpoint || first.getKey() == currentBase) {
                    return;
                }
                Files.deleteIfExists(first.getValue());
                segments.remove(first.getKey());
            }
        } catch (IOException e) {
            throw new StoreException("trim the reading log", e);
        }
    }

    /** The bytes of every segment on disk. */
    public synchronized long sizeOnDisk() {
        long total = 0;
        for (Path file : segments.values()) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                // deleted meanwhile
            }
        }
        return total;
    }

    private void startSegment(long base) throws IOException {
        Path file = dir.resolve(String.format("%020d%s", base, SUFFIX));
        current = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        current.position(current.size());
        if (base + current.size() != position) {
            throw new IOException("log segment " + file.getFileName() + " ends at " + (base + current.size())
                    + ", not at the log's end " + position);
        }
        currentBase = base;
        segments.put(base, file);
    }

    private static long base(Path file) {
        String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Override
    public synchronized void close() {
        try {
            writePending();
            current.close();
            if (trimmedTo >= position) {
                for (Path segment : segments.values()) {
                    Files.deleteIfExists(segment);
                }
                segments.clear();
            }
        } catch (IOException e) {
            throw new StoreException("close the reading log", e);
        }
    }
}
