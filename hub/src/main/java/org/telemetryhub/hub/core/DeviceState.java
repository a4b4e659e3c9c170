package org.telemetryhub.hub.core;

/** A device with what {@code GET /api/devices} shows of its readings. */
public record DeviceState(DeviceRef ref, long lastSeq, long storedCount, Long lastSeenAt, Presence presence) {
    public long holes() {
        return lastSeq - storedCount;
    }
}
