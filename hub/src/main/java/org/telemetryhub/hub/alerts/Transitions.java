package org.telemetryhub.hub.alerts;

import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.core.Alert;
import org.telemetryhub.hub.core.DeviceRef;
import org.telemetryhub.hub.rooms.Feed;
import org.telemetryhub.hub.rooms.FeedEvent;
import org.telemetryhub.hub.store.AlertStore;

/**
 * Moves alerts through their lifecycle in the store, and announces a change only when this call made it, so that a
 * change that two nodes (or a replay) both attempt is announced once: to the device's and namespace's rooms.
 */
final class Transitions {

    private static final Logger log = LoggerFactory.getLogger(Transitions.class);

    private final AlertStore store;
    private final Feed feed;
    private final Consumer<String> counted;

    Transitions(AlertStore store, Feed feed, Consumer<String> counted) {
        this.store = store;
        this.feed = feed;
        this.counted = counted;
    }

    /** Raises the alert, or returns the one that already stands for it. */
    Alert open(DeviceRef device, Alert draft) {
        return announce(device, store.open(draft), "opened");
    }

    Alert clear(DeviceRef device, Alert alert, long at, Long offset) {
        return announce(device, store.clear(alert.alertId(), at, offset), "cleared");
    }

    Optional<Alert> acknowledge(DeviceRef device, long alertId, String by, long at) {
        return store.acknowledge(alertId, by, at).map(change -> announce(device, change, "acknowledged"));
    }

    /** Announces a change that took place elsewhere (a deleted rule cleared its alerts). */
    void announce(DeviceRef device, Alert alert, String event) {
        log.info("event=alert_{} alert={} rule={} device={} severity={}", event, alert.alertId(), alert.ruleId(),
                alert.deviceId(), alert.severity());
        counted.accept(event);
        if (device != null) {
            feed.publish(new FeedEvent.AlertChanged(device, alert));
        }
    }

    private Alert announce(DeviceRef device, AlertStore.Change change, String event) {
        if (change.changed()) {
            announce(device, change.alert(), event);
        }
        return change.alert();
    }
}
