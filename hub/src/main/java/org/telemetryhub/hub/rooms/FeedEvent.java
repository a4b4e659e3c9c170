package org.telemetryhub.hub.rooms;

import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.Command;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.core.ReadingStore;

/**
 * What happens to a device that rooms fan out: a committed reading, a rejection, a presence change, a change to one
 * of its commands or to its desired state, an alert.
 */
public sealed interface FeedEvent {

    DeviceRef device();

    /**
     * Published only after the commit that holds the reading, in offset order per device and node (a device
     * connected to two nodes at once interleaves their readings).
     */
    record ReadingCommitted(DeviceRef device, ReadingStore.StoredReading stored) implements FeedEvent {}

    record Rejected(DeviceRef device, ReadingStore.Rejection rejection) implements FeedEvent {}

    record PresenceChanged(DeviceRef device, String state, long at, long version) implements FeedEvent {}

    /** Published after the store holds the change; the command as it then was. */
    record CommandChanged(DeviceRef device, Command command) implements FeedEvent {}

    /** The device's desired document changed (the device hears its new delta). */
    record DesiredChanged(DeviceRef device) implements FeedEvent {}

    /** An alert of the device was opened, acknowledged or cleared; published after the change is stored. */
    record AlertChanged(DeviceRef device, Alert alert) implements FeedEvent {}
}
