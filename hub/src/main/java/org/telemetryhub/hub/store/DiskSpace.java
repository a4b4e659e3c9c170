package org.telemetryhub.hub.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk under {@code store.dir}: how many bytes the store's files take (the H2 database, the reading log, the
 * embedded broker's folder) and how many are free. Below {@code store.minFreeBytes} free the disk is low: the hub
 * then takes no new readings (devices are told to resend later) and is not ready, so a full disk never cuts a write
 * in half; it says so in the log once, and again when space is back.
 */
public final class DiskSpace {

    private static final Logger log = LoggerFactory.getLogger(DiskSpace.class);

    private final Path dir;
    private final long minFreeBytes;
    private volatile long storeBytes;
    private volatile long freeBytes;
    private volatile boolean low;

    public DiskSpace(Path dir, long minFreeBytes) {
        this.dir = dir;
        this.minFreeBytes = minFreeBytes;
        check();
    }

    /** Measures again; run periodically. */
    public void check() {
        long free;
        try {
            free = Files.getFileStore(dir).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of store.dir " + dir, e);
        }
        storeBytes = bytesUnder(dir);
        freeBytes = free;
        boolean nowLow = free < minFreeBytes;
        if (nowLow && !low) {
            log.warn("event=disk_low free_bytes={} min_free_bytes={} dir={} effect=\"new readings are refused with "
                    + "store_unavailable and /health/ready answers 503 until space is freed\"", free, minFreeBytes,
                    dir.toAbsolutePath().normalize());
        } else if (!nowLow && low) {
            log.info("event=disk_ok free_bytes={} min_free_bytes={}", free, minFreeBytes);
        }
        low = nowLow;
    }

    /** True while fewer than {@code store.minFreeBytes} are free. */
    public boolean low() {
        return low;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    public long storeBytes() {
        return storeBytes;
    }

    public long freeBytes() {
        return freeBytes;
    }

    private static long bytesUnder(Path dir) {
        long[] total = {0};
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    total[0] += attributes.size();
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // a log segment or broker file deleted while walking
                }
            });
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure store.dir " + dir, e);
        }
        return total[0];
    }
}
