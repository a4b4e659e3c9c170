package org.telemetryhub.hub.core;

/** The id is taken by a provisioned device. */
public final class DeviceExists extends Exception {
    public DeviceExists() {
        super(null, null, false, false);
    }
}
