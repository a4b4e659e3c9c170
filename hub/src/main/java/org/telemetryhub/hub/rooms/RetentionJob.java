package org.telemetryhub.hub.rooms;

import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telemetryhub.hub.config.HubConfig;
import org.telemetryhub.hub.core.DeviceState;
import org.telemetryhub.hub.core.ReadingStore;
import org.telemetryhub.hub.store.DeviceStore;

/**
 * Deletes readings older than their namespace's retention (by the time they were stored). Namespaces without a
 * retention keep everything. A dashboard whose cursor falls before what is left gets {@code truncated}.
 */
public final class RetentionJob implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final Map<String, HubConfig.NamespaceRules> namespaces;
    private final DeviceStore devices;
    private final ReadingStore readings;
    private final Clock clock;

    public RetentionJob(Map<String, HubConfig.NamespaceRules> namespaces, DeviceStore devices, ReadingStore readings,
                        Clock clock) {
        this.namespaces = namespaces;
        this.devices = devices;
        this.readings = readings;
        this.clock = clock;
    }

    @Override
    public void run() {
        if (namespaces.values().stream().noneMatch(rules -> rules.retentionMs().isPresent())) {
            return;
        }
        long now = clock.millis();
        for (DeviceState device : devices.list()) {
            HubConfig.NamespaceRules rules = namespaces.get(device.ref().namespace());
            if (rules == null || rules.retentionMs().isEmpty()) {
                continue;
            }
            int deleted = readings.deleteStoredBefore(device.ref().key(), now - rules.retentionMs().get());
            if (deleted > 0) {
                log.info("event=retention_deleted device={} readings={}", device.ref().id(), deleted);
            }
        }
    }
}
