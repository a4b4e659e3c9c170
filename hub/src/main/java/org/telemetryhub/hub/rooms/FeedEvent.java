package org.telemetryhub.hub.rooms;

import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;

/** What happens to a device that rooms fan out: a committed reading, a rejection, a presence change, an alert. */
public sealed interface FeedEvent {

    DeviceRef device();

    /**
     * Published only after the commit that holds the reading, in offset order per device and node (a device
     * connected to two nodes at once interleaves their readings).
     */
    record ReadingCommitted(DeviceRef device, ReadingStore.StoredReading stored) implements FeedEvent {}

    record Rejected(DeviceRef device, ReadingStore.Rejection rejection) implements FeedEvent {}

    record PresenceChanged(DeviceRef device, String state, long at, long version) implements FeedEvent {}

    /** An alert of the device was opened, acknowledged or cleared; published after the change is stored. */
    record AlertChanged(DeviceRef device, Alert alert) implements FeedEvent {}
}
